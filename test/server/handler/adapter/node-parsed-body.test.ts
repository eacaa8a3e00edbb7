import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { alreadyReadBody } from '../../../../src/server/handler/adapter/node-parsed-body.js';

const left = (fields: { rawBody?: unknown; body?: unknown }): IncomingMessage => fields as unknown as IncomingMessage;
const text = (bytes: Uint8Array | undefined): string | undefined => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));

describe('alreadyReadBody: the body a middleware mounted first left', () => {
  it('takes req.rawBody as sent before the parsed req.body', () => {
    expect(text(alreadyReadBody(left({ rawBody: '{ "a" : 1 }', body: { a: 1 } })))).toBe('{ "a" : 1 }');
  });

  it('serializes a parsed req.body (express.json()) back to the same JSON value', () => {
    const body = { clientId: 'c1', body: 'hé', nested: [1, null, true] };
    expect(JSON.parse(text(alreadyReadBody(left({ body })))!)).toEqual(body);
    expect(text(alreadyReadBody(left({ body: 0 })))).toBe('0');
  });

  it('uses a string, bytes or an ArrayBuffer as they are, copied (the caller may reuse its buffer)', () => {
    expect(text(alreadyReadBody(left({ body: 'plain' })))).toBe('plain');
    const raw = new Uint8Array([104, 105]);
    const copied = alreadyReadBody(left({ rawBody: raw }))!;
    raw[0] = 0;
    expect(text(copied)).toBe('hi');
    const buffer = new Uint8Array([111, 107]).buffer;
    const fromBuffer = alreadyReadBody(left({ body: buffer }))!;
    new Uint8Array(buffer)[0] = 0;
    expect(text(fromBuffer)).toBe('ok');
    expect(text(alreadyReadBody(left({ rawBody: Buffer.from('node buffer') })))).toBe('node buffer');
  });

  it('is undefined when nothing usable is there: no body, a cycle, a BigInt, a function', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(alreadyReadBody(left({}))).toBeUndefined();
    expect(alreadyReadBody(left({ body: cycle }))).toBeUndefined();
    expect(alreadyReadBody(left({ body: 10n }))).toBeUndefined();
    expect(alreadyReadBody(left({ body: () => 1 }))).toBeUndefined();
  });

  it('falls back to req.body when rawBody is of no usable kind', () => {
    expect(text(alreadyReadBody(left({ rawBody: { parsed: true }, body: { a: 2 } })))).toBe('{"a":2}');
  });
});
