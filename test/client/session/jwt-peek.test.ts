/**
 * The widget's JWT reading (session/jwt-peek.ts, on the browser's atob): whenever the server's
 * portable `splitJwt` reads a payload, the widget reads the same one (the uuid that tells a user
 * switch, the exp it warns about: SPEC §5), and it never refuses what the server would take.
 * What the server refuses for its header, its encoding or its length is the server's to name.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitJwt } from '../../../src/identity/index.js';
import { peekJwt } from '../../../src/client/session/jwt-peek.js';

const b64url = (text: string): string => Buffer.from(text).toString('base64url');

/** Parts a JWT is made of, and the ways they go wrong. */
const part = fc.oneof(
  fc.jsonValue().map((value) => b64url(JSON.stringify(value))),
  fc.dictionary(fc.string(), fc.jsonValue()).map((value) => b64url(JSON.stringify(value))),
  fc.string().map(b64url),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
  fc.string({ unit: fc.constantFrom(...'AQgw_-+/=. ab\u00e9'), maxLength: 12 }),
  fc.constantFrom('', 'not', 'AB', 'AR', 'A', 'e30', 'e30=', 'e3=', 'W10', 'bnVsbA', '_w', '_x', 'wA'),
);

/** The server's reading and the widget's agree: the same payload where the server reads one, and no refusal the server would not make. */
function agrees(token: string): void {
  const split = splitJwt(token);
  const peeked = peekJwt(token);
  if (typeof split !== 'string') expect(peeked).toEqual(split.payload);
  if (typeof peeked === 'string') expect(typeof split).toBe('string');
}

describe('peekJwt', () => {
  it('reads the payload splitJwt reads, and refuses only what it refuses, for any three-part value', () => {
    fc.assert(fc.property(part, part, part, (header, payload, signature) => agrees(`${header}.${payload}.${signature}`)), { numRuns: 3000 });
  });

  it('reads UTF-8 as strictly as the server: any bytes inside a JSON string (overlong forms, surrogates, cut sequences)', () => {
    const bytes = fc.uint8Array({ maxLength: 12 }).map((inner) => Buffer.concat([Buffer.from('{"u":"'), inner.map((b) => (b === 0x22 || b === 0x5c || b < 0x20 ? 0x61 : b)), Buffer.from('"}')]));
    const edges = [[0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98, 0x80], [0xc3, 0xa9]];
    for (const edge of edges) agrees(`e30.${Buffer.concat([Buffer.from('{"u":"'), Buffer.from(edge), Buffer.from('"}')]).toString('base64url')}.AA`);
    fc.assert(fc.property(bytes, (payload) => agrees(`e30.${payload.toString('base64url')}.AA`)), { numRuns: 3000 });
    expect(peekJwt(`e30.${Buffer.from('{"u":"😀"}').toString('base64url')}.AA`)).toEqual({ u: '😀' });
    expect(peekJwt(`e30.${Buffer.from([...Buffer.from('{"u":"'), 0xed, 0xa0, 0x80, ...Buffer.from('"}')]).toString('base64url')}.AA`)).toBe('payload-json');
  });

  it('and for any string at all', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), agrees));
  });

  it('names what it cannot read: not three parts, or no JSON object in the payload (base64, UTF-8, JSON)', () => {
    expect(peekJwt('eyJhbGciOiJFUzI1NiJ9')).toBe('parts');
    expect(peekJwt('e30.e30.AA.AA')).toBe('parts');
    for (const payload of ['a', '!!', Buffer.from([0xff, 0xfe]).toString('base64url'), b64url('not json'), b64url('[1]'), b64url('null'), '']) {
      expect(peekJwt(`e30.${payload}.AA`), payload).toBe('payload-json');
    }
    expect(peekJwt(`e30.${b64url('{"uuid":"ü","exp":5}')}.AA`)).toEqual({ uuid: 'ü', exp: 5 });
  });

  it('leaves to the server what only it refuses: a bad header or signature, padding, the other alphabet', () => {
    for (const token of ['e30=.e30.AA', 'e30.e30.A/', 'x.e30.', 'e30.e30=.AA', 'e30.e3-.AA']) {
      expect(typeof splitJwt(token), token).toBe('string');
    }
    expect(peekJwt('e30=.e30.AA')).toEqual({});
    expect(peekJwt('e30.e30.A/')).toEqual({});
    expect(peekJwt('x.e30.')).toEqual({});
    expect(peekJwt('e30.e30=.AA')).toEqual({});
  });
});
