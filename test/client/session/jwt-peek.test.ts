/**
 * The widget's JWT reading (session/jwt-peek.ts, on the browser's atob) names the same
 * fault as the server's portable `splitJwt` for every value, and reads the same payload:
 * loader.js carries no second decoder (SPEC §10), and no looser one either.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_JWT_LENGTH, splitJwt } from '../../../src/identity/index.js';
import { peekJwt } from '../../../src/client/session/jwt-peek.js';

const b64url = (text: string): string => Buffer.from(text).toString('base64url');
const server = (token: string): unknown => {
  const split = splitJwt(token);
  return typeof split === 'string' ? split : split.payload;
};

/** Parts a JWT is made of, and the ways they go wrong. */
const part = fc.oneof(
  fc.jsonValue().map((value) => b64url(JSON.stringify(value))),
  fc.dictionary(fc.string(), fc.jsonValue()).map((value) => b64url(JSON.stringify(value))),
  fc.string().map(b64url),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
  fc.string({ unit: fc.constantFrom(...'AQgw_-+/=. ab\u00e9'), maxLength: 12 }),
  fc.constantFrom('', 'not', 'AB', 'AR', 'A', 'e30', 'e30=', 'e3=', 'W10', 'bnVsbA', '_w', '_x', 'wA'),
);

describe('peekJwt', () => {
  it('names the fault splitJwt names, or reads the payload it reads, for any three-part value', () => {
    fc.assert(
      fc.property(part, part, part, (header, payload, signature) => {
        const token = `${header}.${payload}.${signature}`;
        expect(peekJwt(token)).toEqual(server(token));
      }),
      { numRuns: 3000 },
    );
  });

  it('and for any string at all (parts, length)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), (token) => {
      expect(peekJwt(token)).toEqual(server(token));
    }));
    const long = `e30.${b64url(JSON.stringify({ pad: 'x'.repeat(8200) }))}.AA`;
    expect(peekJwt(long)).toBe('length');
    expect(peekJwt(long)).toEqual(server(long));
    // The cap itself, on both sides of it.
    for (const length of [MAX_JWT_LENGTH, MAX_JWT_LENGTH + 1]) {
      const token = `e30.${'A'.repeat(length - 7)}.AA`;
      expect(token).toHaveLength(length);
      expect(peekJwt(token)).toEqual(server(token));
    }
  });

  it('refuses what atob alone would take: padding, the other alphabet, stray bits, whitespace, invalid UTF-8', () => {
    for (const token of ['e30=.e30.AA', 'e30.e3+.AA', 'e30.e30.A/', 'e30.e31.AA', 'e30.e3 0.AA', `e30.${Buffer.from([0xff, 0xfe]).toString('base64url')}.AA`, 'e30.e30.']) {
      expect(peekJwt(token), token).toEqual(server(token));
      expect(typeof peekJwt(token), token).toBe('string');
    }
    expect(peekJwt(`e30.${b64url('{"uuid":"ü"}')}.AA`)).toEqual({ uuid: 'ü' });
  });
});
