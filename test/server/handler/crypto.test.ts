/**
 * Session ids are `<community>.<sha256Base64url(credential)>` in every engine's
 * store (Redis and SQLite keep them across restarts), so the hash must not
 * change its spelling when its implementation does (issue 22 moved it to
 * node:crypto's one-shot `hash`): the FIPS 180-2 vectors, base64url without
 * padding, UTF-8 text.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newSessionCredential, SESSION_CREDENTIAL_PATTERN, sha256, sha256Base64url, timingSafeEqualText } from '../../../src/server/handler/crypto.js';

describe('handler crypto', () => {
  it('spells SHA-256 as base64url without padding, as stored session ids always were', async () => {
    expect(await sha256Base64url('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    expect(await sha256Base64url('')).toBe('47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU');
    const credential = newSessionCredential();
    expect(credential).toMatch(SESSION_CREDENTIAL_PATTERN);
    expect(await sha256Base64url(credential)).toBe(createHash('sha256').update(credential).digest('base64url'));
    expect(Buffer.from(await sha256('é')).toString('base64url')).toBe(createHash('sha256').update('é', 'utf8').digest('base64url'));
    expect(await sha256Base64url('é')).toBe(createHash('sha256').update('é', 'utf8').digest('base64url'));
  });

  it('compares secrets through their hashes', async () => {
    expect(await timingSafeEqualText('secret', 'secret')).toBe(true);
    expect(await timingSafeEqualText('secret', 'secreT')).toBe(false);
    expect(await timingSafeEqualText('secret', 'secret-longer')).toBe(false);
  });
});
