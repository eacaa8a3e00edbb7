/**
 * SPEC §4 step 2: the token's shape (8 KiB cap, three canonical base64url
 * parts, JSON-object header and payload) → ERR_JWT_MALFORMED.
 * Tokens are signed by test/helpers/sign.ts (node:crypto by hand, no jose);
 * shared helpers are in fixtures.ts.
 */
import { describe, expect, it } from 'vitest';
import { b64url, HS_KEY, signHS256 } from '../../helpers/sign.js';
import { codeOf, enc, forge, HS_HEADER, payload, rejects, useVerifierTestHooks } from './fixtures.js';

useVerifierTestHooks();

describe('2. token shape → ERR_JWT_MALFORMED', () => {
  it.each([
    ['a number', 42],
    ['two parts', 'a.b'],
    ['padding', `${signHS256(payload(), HS_KEY)}=`],
    ['over 8 KiB', `${b64url({ alg: 'HS256', kid: HS_KEY.kid })}.${'A'.repeat(8200)}.sig`],
    ['a JSON array payload', `${b64url({ alg: 'HS256', kid: HS_KEY.kid })}.${b64url('[1]')}.AAAA`],
  ])('%s', async (_name, jwt) => {
    expect(await codeOf({ jwt })).toBe('ERR_JWT_MALFORMED');
  });
});

describe('token shape (step 2) → ERR_JWT_MALFORMED', () => {
  const valid = forge(HS_HEADER);
  const [h, p, s] = valid.split('.') as [string, string, string];
  it.each([
    ['not a string', 42],
    ['an object', { jwt: valid }],
    ['two parts (signature stripped)', `${h}.${p}`],
    ['empty signature', `${h}.${p}.`],
    ['alg none with an empty signature', `${enc({ alg: 'none', kid: HS_KEY.kid })}.${p}.`],
    ['four parts', `${valid}.${s}`],
    ['padding on the header', `${h}==.${p}.${s}`],
    ['a trailing newline', `${valid}\n`],
    ['whitespace inside', `${h}. ${p}.${s}`],
    ['malformed JSON header', forge('{"alg":"HS256",')],
    ['header is an array', forge('[{"alg":"HS256","kid":"site_2026"}]')],
    ['header is null', forge('null')],
    ['payload is an array', forge(HS_HEADER, '[{"uuid":"user-42"}]')],
    ['payload is null', forge(HS_HEADER, 'null')],
    ['payload is a JSON string', forge(HS_HEADER, '"{\\"uuid\\":1}"')],
  ])('%s', async (_name, token) => {
    await rejects({ jwt: token as string }, 'ERR_JWT_MALFORMED');
  });

  it('re-encoded with the standard alphabet (+ and /) or padding', async () => {
    // Find a token whose signature uses - or _, then re-encode it as base64.
    let token = valid;
    for (let i = 0; !/[-_]/.test(token.split('.')[2]!); i++) token = forge(HS_HEADER, payload({ jti: String(i) }));
    const [th, tp, ts] = token.split('.') as [string, string, string];
    const standard = Buffer.from(ts, 'base64url').toString('base64');
    await rejects({ jwt: `${th}.${tp}.${standard}` }, 'ERR_JWT_MALFORMED');
    await rejects({ jwt: `${th}.${tp}.${standard.replace(/=+$/, '')}` }, 'ERR_JWT_MALFORMED');
  });
  it('non-canonical trailing bits in the signature (same bytes to Buffer)', async () => {
    const last = s[s.length - 1]!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1]!;
    const altered = `${h}.${p}.${s.slice(0, -1)}${twin}`;
    expect(Buffer.from(altered.split('.')[2]!, 'base64url')).toEqual(Buffer.from(s, 'base64url'));
    await rejects({ jwt: altered }, 'ERR_JWT_MALFORMED');
  });
  it('a validly signed token over 8 KiB, and a huge header', async () => {
    await rejects({ jwt: forge(HS_HEADER, payload({ pad: 'x'.repeat(8200) })) }, 'ERR_JWT_MALFORMED');
    await rejects({ jwt: forge({ ...HS_HEADER, pad: 'x'.repeat(7000) }) }, 'ERR_JWT_MALFORMED');
    await rejects({ jwt: forge(HS_HEADER, payload({ pad: 'x'.repeat(2_000_000) })) }, 'ERR_JWT_MALFORMED');
  });
});
