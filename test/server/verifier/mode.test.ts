/**
 * SPEC §4 step 1: the community's mode decides whether a JWT, unsigned data
 * or both are taken, before anything else is read.
 * Tokens are signed by test/helpers/sign.ts (node:crypto by hand, no jose);
 * shared helpers are in fixtures.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import { hmacSignature, HS_KEY, HS_KEY_256, signHS256 } from '../../helpers/sign.js';
import { attackVerifier, codeOf, forge, HS_HEADER, jwt, payload, rejects, require_, RS_HEADER, rs, T, verifierFor, useVerifierTestHooks } from './fixtures.js';

useVerifierTestHooks();

describe('control: well-formed tokens verify', () => {
  it('HS256 (24-char and 64-char secrets) and RS256', async () => {
    expect(await jwt(forge(HS_HEADER))).toMatchObject({ uuid: 'user-42', uuidSource: 'jwt', signed: true, kid: 'site_2026', expiresAt: (T + 7200) * 1000 });
    const hs64 = forge({ ...HS_HEADER, kid: HS_KEY_256.kid }, payload(), (i) => hmacSignature(i, HS_KEY_256.secret));
    expect((await jwt(hs64)).kid).toBe('site_2027');
    expect((await jwt(forge(RS_HEADER, payload(), rs))).kid).toBe('rsa_main');
  });
  it('typ may be absent; a numeric uuid becomes a string; a fractional exp is a number', async () => {
    expect((await jwt(forge({ alg: 'HS256', kid: HS_KEY.kid }, payload({ uuid: 5457, exp: T + 7200.5 })))).uuid).toBe('5457');
  });
});

describe('1. mode', () => {
  it('require + no jwt → ERR_SIGNED_IDENTITY_REQUIRED', async () => {
    expect(await codeOf({ identity: { uuid: 'x' } })).toBe('ERR_SIGNED_IDENTITY_REQUIRED');
    expect(await codeOf({})).toBe('ERR_SIGNED_IDENTITY_REQUIRED');
  });

  it('reject + a jwt → ERR_SIGNED_IDENTITY_REJECTED, before the token is even read', async () => {
    const verifier = verifierFor({ signedIdentities: 'reject' });
    expect(await codeOf({ jwt: signHS256(payload(), HS_KEY) }, verifier)).toBe('ERR_SIGNED_IDENTITY_REJECTED');
    expect(await codeOf({ jwt: 'garbage' }, verifier)).toBe('ERR_SIGNED_IDENTITY_REJECTED');
  });

  it('accept takes both', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const verifier = verifierFor({ signedIdentities: 'accept' });
    expect((await verifier.verify({ jwt: signHS256(payload(), HS_KEY) })).uuidSource).toBe('jwt');
    expect((await verifier.verify({ identity: { uuid: 'user-42' } })).uuidSource).toBe('unsigned');
  });

  it('a non-object input is ERR_IDENTITY_INVALID, not a crash', async () => {
    expect(await codeOf(null as never)).toBe('ERR_IDENTITY_INVALID');
  });

  it('exposes its policy', () => {
    expect(verifierFor({ minTokenLifetime: 600 }).policy).toEqual({ mode: 'require', minTokenLifetime: 600, clockTolerance: 10 });
  });
});

describe('mode rules (step 1, before anything else)', () => {
  it('require: no jwt → ERR_SIGNED_IDENTITY_REQUIRED, whatever else is given', async () => {
    await rejects({}, 'ERR_SIGNED_IDENTITY_REQUIRED');
    await rejects({ identity: { uuid: 'user-42' } }, 'ERR_SIGNED_IDENTITY_REQUIRED');
    await rejects({ identity: { firstname: 42 }, automatedUuid: 'A'.repeat(22) }, 'ERR_SIGNED_IDENTITY_REQUIRED');
  });
  it('reject: a jwt → ERR_SIGNED_IDENTITY_REJECTED, even a valid one or garbage', async () => {
    const reject = attackVerifier('reject');
    await rejects({ jwt: forge(HS_HEADER) }, 'ERR_SIGNED_IDENTITY_REJECTED', reject);
    await rejects({ jwt: 'garbage' }, 'ERR_SIGNED_IDENTITY_REJECTED', reject);
    expect(await reject.verify({ identity: { uuid: 'user-42' } })).toMatchObject({ uuid: 'user-42', uuidSource: 'unsigned', signed: false });
  });
  it('accept: signed, unsigned and automated identities stay apart', async () => {
    const accept = attackVerifier('accept');
    expect(await accept.verify({ jwt: forge(HS_HEADER) })).toMatchObject({ uuidSource: 'jwt', signed: true });
    const unsigned = await accept.verify({ identity: { uuid: 'user-42', firstname: 'Mallory' } });
    expect(unsigned).toMatchObject({ uuidSource: 'unsigned', signed: false });
    expect(unsigned.kid).toBeUndefined();
    const automated = await accept.verify({ automatedUuid: 'user-42-aaaaaaaaaaaaaaaaaaaa' });
    expect(automated).toMatchObject({ uuidSource: 'automated', signed: false });
    await rejects({ jwt: forge(HS_HEADER, payload(), (i) => hmacSignature(i, 'f'.repeat(24))) }, 'ERR_JWT_SIGNATURE', accept);
  });
  it('an unsigned identity beside a JWT is ignored with a warning', async () => {
    const result = await require_.verify({ jwt: forge(HS_HEADER), identity: { uuid: 'admin', firstname: 'Evil' }, automatedUuid: 'B'.repeat(22) });
    expect(result.uuid).toBe('user-42');
    expect(result.uuidSource).toBe('jwt');
    expect(result.fields.firstname).toBeUndefined();
    expect(result.warnings.map((w) => w.code)).toContain('W_UNSIGNED_IGNORED');
  });
});
