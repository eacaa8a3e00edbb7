/**
 * Canonical base64url (RFC 4648 §5 as RFC 7515 uses it). The decoder must
 * refuse everything `Buffer.from(s, 'base64url')` silently tolerates, so that
 * one byte string has exactly one encoding (SPEC §4 step 2).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from '../../src/identity/index.js';

const bytesOf = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

describe('decodeBase64url: accepts canonical input', () => {
  it.each([
    ['', ''],
    ['QQ', 'A'],
    ['QUI', 'AB'],
    ['QUJD', 'ABC'],
    ['eyJhbGciOiJIUzI1NiJ9', '{"alg":"HS256"}'],
  ])('%j decodes to %j', (encoded, text) => {
    expect(decodeBase64url(encoded)).toEqual(bytesOf(text));
  });

  it('decodes the two url-safe characters - and _ (values 62 and 63)', () => {
    expect(decodeBase64url('-_-_')).toEqual(new Uint8Array([0xfb, 0xff, 0xbf]));
  });
});

describe('decodeBase64url: refuses padding', () => {
  it.each(['QQ==', 'QQ=', 'QUI=', 'QUJD====', '=', '===='])('%j', (input) => {
    expect(decodeBase64url(input)).toBeUndefined();
  });
});

describe('decodeBase64url: refuses the standard alphabet + and /', () => {
  it.each(['+_-_', '-_-/', '++++', '////'])('%j', (input) => {
    expect(decodeBase64url(input)).toBeUndefined();
  });
});

describe('decodeBase64url: refuses whitespace anywhere', () => {
  it.each([' QUJD', 'QUJD ', 'QU JD', 'QUJD\n', '\tQUJD', 'QU\r\nJD', 'QUJD\u00a0', '\u2028QUJD'])('%j', (input) => {
    expect(decodeBase64url(input)).toBeUndefined();
  });
});

describe('decodeBase64url: refuses characters outside the alphabet', () => {
  // U+0141 and U+0151 have the low seven bits of 'A' and 'Q': a decoder that
  // masks char codes to 7 bits would read them as alphabet characters.
  it.each(['QU.D', 'QU*D', 'QUJ\u0000', '\u0141\u0141\u0141\u0141', 'Q\u0151', 'QUJ\u00c4', 'QUJ😀'])('%j', (input) => {
    expect(decodeBase64url(input)).toBeUndefined();
  });
});

describe('decodeBase64url: refuses impossible lengths', () => {
  it.each(['Q', 'QUJDR', 'QUJDRUZHS'])('%j (length % 4 === 1)', (input) => {
    expect(decodeBase64url(input)).toBeUndefined();
  });
});

describe('decodeBase64url: refuses non-canonical trailing bits', () => {
  // 'QQ' is the one encoding of "A"; 'QR'..'QV' differ only in bits that
  // carry no data. Accepting them would let a token be altered without its
  // decoded bytes (and thus its signature check) changing.
  it.each(['QR', 'QS', 'QT', 'QU', 'QV', 'Q_'])('2-char tail %j', (input) => {
    expect(decodeBase64url(input)).toBeUndefined();
  });
  it.each(['QUJ', 'QUK', 'QUL', 'QU_'])('3-char tail %j', (input) => {
    expect(decodeBase64url(input)).toBeUndefined();
  });
  it('Buffer accepts what we refuse (why we do not use Buffer)', () => {
    expect(Buffer.from('QR', 'base64url').toString()).toBe('A');
    expect(decodeBase64url('QR')).toBeUndefined();
  });
  it('refuses a canonical prefix followed by a non-canonical tail', () => {
    expect(decodeBase64url('QUJDQR')).toBeUndefined();
    expect(decodeBase64url('QUJDQQ')).toEqual(bytesOf('ABCA'));
  });
});

describe('encodeBase64url', () => {
  it.each([
    [[], ''],
    [[0x41], 'QQ'],
    [[0x41, 0x42], 'QUI'],
    [[0x41, 0x42, 0x43], 'QUJD'],
    [[0xfb, 0xff, 0xbf], '-_-_'],
  ])('%j encodes to %j', (bytes, encoded) => {
    expect(encodeBase64url(new Uint8Array(bytes))).toBe(encoded);
  });
});

describe('round trip against Buffer (random bytes)', () => {
  it('encode matches Buffer and decode inverts it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const encoded = encodeBase64url(bytes);
        expect(encoded).toBe(Buffer.from(bytes).toString('base64url'));
        expect(decodeBase64url(encoded)).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('every string that decodes is the one canonical encoding of its bytes', () => {
    const alphabetChar = fc.constantFrom(
      ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= \n.'.split(''),
    );
    fc.assert(
      fc.property(fc.string({ unit: alphabetChar, maxLength: 40 }), (input) => {
        const decoded = decodeBase64url(input);
        if (decoded === undefined) return;
        expect(encodeBase64url(decoded)).toBe(input);
        expect(Buffer.from(decoded).toString('base64url')).toBe(input);
      }),
      { numRuns: 2000 },
    );
  });
});
