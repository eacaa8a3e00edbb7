/**
 * SPEC §4 step 2 on the hot path: decodeJwt with the native decoder
 * (src/server/verifier/crypto/native-decode.ts) must give exactly what the
 * portable decoding gives — the same bytes and objects, or the same refusal —
 * and the header memo (known-headers.ts) must change nothing but the speed.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { decodeBase64url, decodeJwt, IdentityError } from '../../../../src/identity/index.js';
import { nativeJwtDecoder } from '../../../../src/server/verifier/crypto/native-decode.js';
import { MAX_HEADER_LENGTH } from '../../../../src/identity/index.js';
import { rememberingHeaders } from '../../../../src/server/verifier/known-headers.js';
import { b64url, HS_KEY, signHS256 } from '../../../helpers/sign.js';
import { payload } from '../fixtures.js';

const native = nativeJwtDecoder()!;
const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=. \t\n\u0000\u0080\u00ff\u0100é😀'.split('');
const same = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean => (a === undefined ? b === undefined : b !== undefined && Buffer.compare(a, b) === 0);

/** The portable decoding of one header or payload part: the object, or `undefined` when decodeJwt would refuse it. */
function portableObject(part: string): unknown {
  try {
    return decodeJwt(`${part}.${b64url('{}')}.AA`).header;
  } catch {
    return undefined;
  }
}

describe('the native decoding fast path is never more lenient than decodeJwt', () => {
  it('base64url: the same bytes, or the same refusal', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...chars), maxLength: 24 }), (text) => same(native.bytes(text), decodeBase64url(text))), { numRuns: 20_000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 16 }), (text) => same(native.bytes(text), decodeBase64url(text))), { numRuns: 20_000 });
  });

  it('tokens: whatever the fast path decodes, decodeJwt decodes identically', () => {
    const token = signHS256(payload({ firstname: 'Ada' }), HS_KEY);
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.constantFrom(...chars), fc.boolean(), (at, char, insert) => {
        const mutated = token.slice(0, at) + char + token.slice(insert ? at : at + 1);
        let reference: unknown;
        try {
          reference = decodeJwt(mutated);
        } catch (error) {
          expect(() => decodeJwt(mutated, native)).toThrow(IdentityError);
          expect((error as IdentityError).code).toBe('ERR_JWT_MALFORMED');
          return;
        }
        const fast = decodeJwt(mutated, native) as unknown as Record<string, unknown>;
        expect({ ...fast, signature: [...(fast.signature as Uint8Array)] }).toEqual({ ...(reference as object), signature: [...(reference as { signature: Uint8Array }).signature] });
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('the native decoder, part by part', () => {
  const longPart = fc.string({ unit: fc.constantFrom(...chars.slice(0, 64), ...chars.slice(0, 64), ...chars.slice(64)), minLength: 97, maxLength: 400 });

  it('long parts (an RS256 signature is 342 characters): the same bytes, or the same refusal', () => {
    fc.assert(fc.property(longPart, (text) => same(native.bytes(text), decodeBase64url(text))), { numRuns: 5_000 });
    fc.assert(fc.property(fc.uint8Array({ minLength: 73, maxLength: 300 }), (bytes) => same(native.bytes(Buffer.from(bytes).toString('base64url')), bytes)), { numRuns: 2_000 });
  });

  it('objects from any bytes: exactly what the portable decoding gives, or a decline', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const part = Buffer.from(bytes).toString('base64url');
        const fast = native.object(part, 'payload');
        if (fast !== undefined) expect(fast).toEqual(portableObject(part));
      }),
      { numRuns: 20_000 },
    );
  });

  it('objects from JSON (any characters, nested values): the same object, never a decline for valid input it handles', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'grapheme' }), fc.jsonValue()), (value) => {
        const part = b64url(JSON.stringify(value));
        const fast = native.object(part, 'payload');
        const reference = portableObject(part);
        expect(reference).toEqual(JSON.parse(JSON.stringify(value)));
        // Only a genuine U+FEFF at the start is left to the portable decoder (see below).
        if (!JSON.stringify(value).startsWith('\uFEFF')) expect(fast).toEqual(reference);
      }),
      { numRuns: 3_000 },
    );
  });

  it('ASCII and UTF-8 payloads take the fast path', () => {
    expect(native.object(b64url({ uuid: 'u1', exp: 2_000_000_000 }), 'payload')).toEqual({ uuid: 'u1', exp: 2_000_000_000 });
    expect(native.object(b64url({ firstname: 'Zoë', company: '東京 😀' }), 'payload')).toEqual({ firstname: 'Zoë', company: '東京 😀' });
  });

  it('declines what the portable decoding refuses or words differently', () => {
    const invalidUtf8 = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]).toString('base64url'); // {"a":"\xC3("}
    const surrogate = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]).toString('base64url');
    for (const part of [invalidUtf8, surrogate, b64url('[1]'), b64url('"x"'), b64url('null'), b64url('{'), `${b64url({ a: 1 })}=`, 'eyJhIjoxfR+', '']) {
      expect(native.object(part, 'header')).toBeUndefined();
      expect(portableObject(part)).toBeUndefined();
    }
    // Non-zero unused bits in the last character ('B' = 000001): refused by both, for parts of 4n+2 and 4n+3 characters.
    for (const length of [100, 101, 1, 2]) {
      const canonical = Buffer.alloc(length, 0x41).toString('base64url');
      const altered = `${canonical.slice(0, -1)}B`;
      expect(same(native.bytes(canonical), Buffer.alloc(length, 0x41))).toBe(true);
      expect(native.bytes(altered)).toBeUndefined();
      expect(decodeBase64url(altered)).toBeUndefined();
    }
  });

  it('a leading byte order mark, which TextDecoder drops, is left to the portable decoding (same result)', () => {
    const part = Buffer.from('\uFEFF{"a":1}', 'utf8').toString('base64url');
    expect(native.object(part, 'payload')).toBeUndefined();
    expect(portableObject(part)).toEqual({ a: 1 });
    const token = `${b64url({ alg: 'HS256', kid: 'k' })}.${part}.AA`;
    expect(decodeJwt(token, native).payload).toEqual(decodeJwt(token).payload);
  });

  it('a genuine U+FFFD is decoded exactly', () => {
    const part = b64url({ a: 'x\uFFFDy' });
    expect(decodeJwt(`${part}.${part}.AA`, native).payload).toEqual({ a: 'x\uFFFDy' });
  });
});

describe('the header memo', () => {
  const header = b64url({ alg: 'HS256', typ: 'JWT', kid: 'site_2026' });

  it('decodes a header part once, and hands out the same object for it', () => {
    const inner = { bytes: vi.fn(native.bytes), object: vi.fn(native.object) };
    const memo = rememberingHeaders(inner);
    const first = memo.object(header, 'header');
    expect(first).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'site_2026' });
    expect(memo.object(header.slice(0), 'header')).toBe(first);
    expect(inner.object).toHaveBeenCalledTimes(1);
  });

  it('never remembers payloads, refusals, or headers longer than checkHeader accepts', () => {
    const inner = { bytes: native.bytes, object: vi.fn(native.object) };
    const memo = rememberingHeaders(inner);
    const body = b64url({ uuid: 'u1' });
    memo.object(body, 'payload');
    memo.object(body, 'payload');
    memo.object('e30*', 'header');
    memo.object('e30*', 'header');
    const long = b64url({ alg: 'HS256', kid: 'k'.repeat(MAX_HEADER_LENGTH) });
    expect(memo.object(long, 'header')).toEqual({ alg: 'HS256', kid: 'k'.repeat(MAX_HEADER_LENGTH) });
    memo.object(long, 'header');
    expect(inner.object).toHaveBeenCalledTimes(6);
  });

  it('stays bounded: a flood of distinct headers only empties it', () => {
    const inner = { bytes: native.bytes, object: vi.fn(native.object) };
    const memo = rememberingHeaders(inner);
    for (let i = 0; i < 200; i++) memo.object(b64url({ alg: 'HS256', kid: `k${i}` }), 'header');
    inner.object.mockClear();
    memo.object(b64url({ alg: 'HS256', kid: 'k199' }), 'header');
    memo.object(b64url({ alg: 'HS256', kid: 'k0' }), 'header');
    expect(inner.object).toHaveBeenCalledTimes(1);
  });
});

describe('decodeJwt with a decoder', () => {
  it('a decoder that declines every part changes nothing: the portable decoding decides', () => {
    const declining = { bytes: vi.fn(() => undefined), object: vi.fn(() => undefined) };
    const token = signHS256(payload({ firstname: 'Ada' }), HS_KEY);
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.constantFrom(...chars), (at, char) => {
        const mutated = token.slice(0, at) + char + token.slice(at + 1);
        const outcome = (decoder?: typeof declining) => {
          try {
            const { header, payload: body, signingInput, signature } = decodeJwt(mutated, decoder);
            return { header, body, signingInput, signature: [...signature] };
          } catch (error) {
            return (error as IdentityError).message;
          }
        };
        expect(outcome(declining)).toEqual(outcome());
      }),
      { numRuns: 2_000 },
    );
    expect(declining.object).toHaveBeenCalled();
  });

  it('is not consulted for what the cap and the shape refuse first', () => {
    const spy = { bytes: vi.fn(native.bytes), object: vi.fn(native.object) };
    for (const input of [42, 'a'.repeat(9000), 'a.b', 'a.b.c.d']) expect(() => decodeJwt(input, spy)).toThrow(IdentityError);
    expect(spy.object).not.toHaveBeenCalled();
    expect(spy.bytes).not.toHaveBeenCalled();
  });
});
