/**
 * decodeJwt: SPEC §4 step 2 — a string, ≤ 8 KiB (checked before any
 * decoding), three canonical base64url parts, header and payload JSON
 * objects; anything else is ERR_JWT_MALFORMED. No verification here.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as base64url from '../../src/identity/base64url.js';
import { decodeJwt, IdentityError, MAX_JWT_LENGTH, splitJwt, type JwtFault } from '../../src/identity/index.js';
import { b64url, HS_KEY, hmacSignature, signHS256 } from '../helpers/sign.js';

// Wrap the decoder in a spy so tests can prove the length cap is applied
// before a single part is decoded.
vi.mock('../../src/identity/base64url.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/identity/base64url.js')>();
  return { ...original, decodeBase64url: vi.fn(original.decodeBase64url) };
});
const decodeSpy = vi.mocked(base64url.decodeBase64url);
beforeEach(() => {
  decodeSpy.mockClear();
});

function malformed(input: unknown): IdentityError {
  try {
    decodeJwt(input);
  } catch (error) {
    expect(error).toBeInstanceOf(IdentityError);
    expect((error as IdentityError).code).toBe('ERR_JWT_MALFORMED');
    return error as IdentityError;
  }
  throw new Error('decodeJwt accepted a malformed token');
}

const SIG = hmacSignature('x', 'k');
const HEADER = b64url({ alg: 'HS256', typ: 'JWT', kid: 'site_2026' });
const PAYLOAD = b64url({ uuid: 'u1', exp: 2_000_000_000 });
const rawPart = (bytes: number[]): string => Buffer.from(bytes).toString('base64url');

describe('a well-formed token decodes', () => {
  it('returns header, payload, the signing input and the signature bytes', () => {
    const token = signHS256({ uuid: 'u1', exp: 2_000_000_000, firstname: 'Zoë' }, HS_KEY);
    const [h, p, s] = token.split('.') as [string, string, string];
    const decoded = decodeJwt(token);
    expect(decoded.header).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'site_2026' });
    expect(decoded.payload).toEqual({ uuid: 'u1', exp: 2_000_000_000, firstname: 'Zoë' });
    expect(decoded.signingInput).toBe(`${h}.${p}`);
    expect(decoded.signature).toEqual(new Uint8Array(Buffer.from(s, 'base64url')));
    expect(decoded.signature).toHaveLength(32);
  });
});

describe('not a string', () => {
  it.each([undefined, null, 0, 42, true, {}, [], ['a.b.c'], new Uint8Array(3), Symbol('jwt')])('%s', (input) => {
    malformed(input);
  });
});

describe('the 8 KiB cap, before any decoding', () => {
  it('is 8192 characters', () => {
    expect(MAX_JWT_LENGTH).toBe(8192);
  });

  /** A validly signed token of exactly `length` characters (length % 4 !== 1 for the payload part). */
  function tokenOfLength(length: number): string {
    for (let headerPad = 0; headerPad < 4; headerPad++) {
      for (let n = 0; n < length; n++) {
        const token = signHS256({ uuid: 'u', exp: 2_000_000_000, pad: 'x'.repeat(n) }, HS_KEY, { h: 'y'.repeat(headerPad) });
        if (token.length === length) return token;
        if (token.length > length) break;
      }
    }
    throw new Error(`no token of length ${length}`);
  }

  it('accepts a token of exactly 8192 characters', () => {
    const token = tokenOfLength(MAX_JWT_LENGTH);
    expect(token).toHaveLength(8192);
    expect(decodeJwt(token).payload.uuid).toBe('u');
  });

  it('refuses a well-formed token of 8193 characters without decoding any part', () => {
    const token = tokenOfLength(MAX_JWT_LENGTH + 1);
    const error = malformed(token);
    expect(error.message).toMatch(/8192/);
    expect(decodeSpy).not.toHaveBeenCalled();
  });

  // The length is the first thing read: content the other checks would refuse (NUL, too many
  // parts, no JSON) is never looked at, so the error names the length, whatever follows.
  it('refuses 9 KiB of garbage by its length alone, without decoding', () => {
    const garbage = '\u0000é.{'.repeat(9 * 256);
    expect(malformed(garbage).message).toMatch(/is 9216 characters long; the limit is 8192/);
    expect(decodeSpy).not.toHaveBeenCalled();
  });

  it('refuses a 10 MB token by its length alone, without decoding', () => {
    const huge = `${HEADER}.${'A'.repeat(10_000_000)}.${SIG}`;
    expect(malformed(huge).message).toMatch(new RegExp(`is ${huge.length} characters long; the limit is 8192`));
    expect(decodeSpy).not.toHaveBeenCalled();
  });

  it('measures the token, not its parts: a huge header alone is refused', () => {
    malformed(`${b64url({ alg: 'HS256', kid: 'k', x: 'a'.repeat(7000) })}.${PAYLOAD}.${SIG}`);
    expect(decodeSpy).not.toHaveBeenCalled();
  });
});

describe('exactly three parts', () => {
  it.each([
    ['empty string', ''],
    ['one part', HEADER],
    ['two parts', `${HEADER}.${PAYLOAD}`],
    ['four parts', `${HEADER}.${PAYLOAD}.${SIG}.${SIG}`],
    ['five parts (JWE shape)', `${HEADER}.${PAYLOAD}.${SIG}.${SIG}.${SIG}`],
    ['dots only', '..'],
    ['trailing dot', `${HEADER}.${PAYLOAD}.${SIG}.`],
    ['leading dot', `.${HEADER}.${PAYLOAD}.${SIG}`],
  ])('%s', (_name, token) => {
    malformed(token);
  });

  it('refuses an empty signature (unsecured JWS shape)', () => {
    malformed(`${HEADER}.${PAYLOAD}.`);
  });
  it('refuses an empty header', () => {
    malformed(`.${PAYLOAD}.${SIG}`);
  });
  it('refuses an empty payload', () => {
    malformed(`${HEADER}..${SIG}`);
  });
});

describe('canonical base64url in every part', () => {
  const padded = (part: string): string => part + '='.repeat((4 - (part.length % 4)) % 4 || 2);
  it.each([
    ['padded header', `${padded(HEADER)}.${PAYLOAD}.${SIG}`],
    ['padded payload', `${HEADER}.${padded(PAYLOAD)}.${SIG}`],
    ['padded signature', `${HEADER}.${PAYLOAD}.${padded(SIG)}`],
    ['standard alphabet header', `${Buffer.from('{"alg":"HS256","kid":"?>?"}').toString('base64')}.${PAYLOAD}.${SIG}`],
    ['+ in signature', `${HEADER}.${PAYLOAD}.${SIG.slice(0, -4)}+AAA`],
    ['/ in signature', `${HEADER}.${PAYLOAD}.${SIG.slice(0, -4)}/AAA`],
    ['space in header', `${HEADER.slice(0, 4)} ${HEADER.slice(4)}.${PAYLOAD}.${SIG}`],
    ['newline at the end', `${HEADER}.${PAYLOAD}.${SIG}\n`],
    ['space at the start', ` ${HEADER}.${PAYLOAD}.${SIG}`],
    ['non-canonical trailing bits in the signature', `${HEADER}.${PAYLOAD}.${SIG.slice(0, -1)}${String.fromCharCode(SIG.charCodeAt(SIG.length - 1) ^ 1)}`],
    ['signature length % 4 === 1', `${HEADER}.${PAYLOAD}.${SIG}AA`],
  ])('%s', (_name, token) => {
    malformed(token);
  });

  it('the non-canonical signature above is one Buffer would accept', () => {
    // 43 chars for 32 bytes: the last char carries 2 unused bits.
    expect(SIG).toHaveLength(43);
  });
});

describe('header and payload must be JSON objects', () => {
  const notObjects = ['[]', '[{"alg":"HS256"}]', 'null', '1', '"HS256"', 'true', '{"alg":"HS256"', '{alg:"HS256"}', "{'a':1}", '', ' ', '{"a":1}x', 'NaN'];
  it.each(notObjects)('header %j', (json) => {
    malformed(`${b64url(json)}.${PAYLOAD}.${SIG}`);
  });
  it.each(notObjects)('payload %j', (json) => {
    malformed(`${HEADER}.${b64url(json)}.${SIG}`);
  });
  it('accepts surrounding JSON whitespace inside the decoded bytes', () => {
    expect(decodeJwt(`${b64url(' {"alg":"HS256"} ')}.${PAYLOAD}.${SIG}`).header).toEqual({ alg: 'HS256' });
  });
});

describe('header and payload must be valid UTF-8', () => {
  const quoteWrap = (inner: number[]): number[] => [...Buffer.from('{"a":"'), ...inner, ...Buffer.from('"}')];
  it.each([
    ['a lone continuation byte', quoteWrap([0x80])],
    ['0xff', quoteWrap([0xff])],
    ['an overlong "/" (C0 AF)', quoteWrap([0xc0, 0xaf])],
    ['an encoded surrogate (ED A0 80)', quoteWrap([0xed, 0xa0, 0x80])],
    ['a truncated sequence', quoteWrap([0xe2, 0x82])],
    ['a code point above U+10FFFF', quoteWrap([0xf4, 0x90, 0x80, 0x80])],
  ])('%s in the payload', (_name, bytes) => {
    malformed(`${HEADER}.${rawPart(bytes)}.${SIG}`);
  });
  it('invalid UTF-8 in the header', () => {
    malformed(`${rawPart(quoteWrap([0xff, 0xfe]))}.${PAYLOAD}.${SIG}`);
  });
  it('accepts valid multi-byte UTF-8', () => {
    expect(decodeJwt(`${HEADER}.${rawPart(quoteWrap([0xf0, 0x9f, 0x98, 0x80]))}.${SIG}`).payload).toEqual({ a: '😀' });
  });
});

describe('decoding never pollutes prototypes', () => {
  it('"__proto__" in header and payload stays an own, inert property', () => {
    const header = '{"alg":"HS256","__proto__":{"polluted":"header"}}';
    const payload = '{"uuid":"u","__proto__":{"polluted":"payload"},"constructor":{"prototype":{"polluted":"c"}}}';
    const decoded = decodeJwt(`${b64url(header)}.${b64url(payload)}.${SIG}`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    expect((decoded.payload as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('error messages never echo the token', () => {
  it('a malformed token with a secret-looking payload', () => {
    const secretish = 'SECRET-abcdef0123456789';
    const error = malformed(`${b64url({ alg: 'HS256' })}.${b64url(`{"x":"${secretish}"`)}.${SIG}`);
    expect(error.message).not.toContain(secretish);
    expect(error.message).not.toContain(SIG);
  });
});

describe('splitJwt: the same rule, naming the fault instead of throwing (what the widget uses)', () => {
  const enc = (value: string) => b64url(Buffer.from(value));
  const valid = signHS256({ uuid: '1', exp: 2_000_000_000 }, HS_KEY);
  const [h, p] = valid.split('.') as [string, string, string];
  const cases: [unknown, JwtFault][] = [
    [42, 'type'],
    ['a'.repeat(MAX_JWT_LENGTH + 1), 'length'],
    ['a.b', 'parts'],
    [`${h}=.${p}.sig`, 'header-base64'],
    [`${enc('{nope')}.${p}.sig`, 'header-json'],
    [`${enc('[1]')}.${p}.sig`, 'header-object'],
    [`${h}.${p}+.sig`, 'payload-base64'],
    [`${h}.${enc('\u00ff')}.sig`, 'payload-json'],
    [`${h}.${enc('null')}.sig`, 'payload-object'],
    [`${h}.${p}.`, 'signature'],
  ];
  it.each(cases)('%#: names the fault %s, where decodeJwt throws ERR_JWT_MALFORMED', (token, fault) => {
    expect(splitJwt(token)).toBe(fault);
    expect(() => decodeJwt(token)).toThrow(IdentityError);
    try {
      decodeJwt(token);
    } catch (error) {
      expect((error as IdentityError).code).toBe('ERR_JWT_MALFORMED');
      expect((error as IdentityError).path).toBe('jwt');
    }
  });

  it('a well-formed token decodes to exactly what decodeJwt returns', () => {
    expect(splitJwt(valid)).toEqual(decodeJwt(valid));
  });
});
