/**
 * SPEC §4: the real verifier `chatq explain` runs each step with
 * (src/cli/explain-probe.ts) — the community's policy and mappings with a
 * throwaway key — and the step each verifier error belongs to. The report
 * built from them is tested in test/cli/index.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createProbe, outcome, stageOf } from '../../src/cli/explain-probe.js';
import { IdentityError, type IdentityErrorCode, type VerifiedIdentity } from '../../src/identity/index.js';

const NOW = 1_800_000_000;
const now = () => NOW * 1000;
const HEADER = { alg: 'HS256', typ: 'JWT', kid: 'site_2026' };
const payload = (extra: object = {}) => ({ uuid: 'user-42', iat: NOW, exp: NOW + 7200, ...extra });

describe('stageOf: SPEC §4, the step a verifier error belongs to', () => {
  it('maps each code to its step', () => {
    const steps: [IdentityErrorCode, string][] = [
      ['ERR_SIGNED_IDENTITY_REQUIRED', 'mode'], ['ERR_SIGNED_IDENTITY_REJECTED', 'mode'],
      ['ERR_JWT_ALG', 'header'], ['ERR_JWT_KID_MISSING', 'header'], ['ERR_JWT_KID_UNKNOWN', 'header'], ['ERR_JWT_HEADER', 'header'], ['ERR_KEY_SOURCE', 'header'],
      ['ERR_JWT_SIGNATURE', 'signature'],
      ['ERR_JWT_EXP_MISSING', 'claims'], ['ERR_JWT_EXPIRED', 'claims'], ['ERR_JWT_EXP_TOO_SOON', 'claims'], ['ERR_JWT_NOT_YET_VALID', 'claims'], ['ERR_JWT_UUID_MISSING', 'claims'],
      ['ERR_IDENTITY_INVALID', 'fields'],
    ];
    for (const [code, step] of steps) expect(stageOf(new IdentityError(code, 'm')), code).toBe(step);
  });

  it('a malformed token is the shape step, unless the verifier named a payload claim (a time in milliseconds)', () => {
    expect(stageOf(new IdentityError('ERR_JWT_MALFORMED', 'm'))).toBe('shape');
    expect(stageOf(new IdentityError('ERR_JWT_MALFORMED', 'm', { path: 'header' }))).toBe('shape');
    expect(stageOf(new IdentityError('ERR_JWT_MALFORMED', 'm', { path: 'payload.exp' }))).toBe('claims');
  });
});

describe('outcome: one run of the verifier, as a value', () => {
  it('the identity it resolves to, or the IdentityError it throws', async () => {
    const identity = { uuid: 'u1' } as VerifiedIdentity;
    expect(await outcome(async () => identity)).toEqual({ ok: true, identity });
    const error = new IdentityError('ERR_JWT_EXPIRED', 'expired');
    expect(await outcome(async () => Promise.reject(error))).toEqual({ ok: false, error });
  });

  it('any other error is a bug: thrown, not reported as a failed check', async () => {
    await expect(outcome(async () => Promise.reject(new TypeError('boom')))).rejects.toThrow(new TypeError('boom'));
  });
});

describe("createProbe: the verifier with the community's rules and a throwaway key", () => {
  it("takes the community's times, never its mode or keys: the probe always verifies signed identities", () => {
    const probe = createProbe({ signedIdentities: 'reject', jwtKeys: 'not keys', minTokenLifetime: 600, clockTolerance: 5 }, now);
    expect(probe.policy).toEqual({ mode: 'require', minTokenLifetime: 600, clockTolerance: 5 });
    expect(createProbe({}, now).policy).toEqual({ mode: 'require', minTokenLifetime: 3600, clockTolerance: 10 });
  });

  it('payload: the claims and fields of a token, whatever key signed it, at the instant given', async () => {
    const probe = createProbe({}, now);
    const verified = await probe.payload(payload({ email: 'a@example.com' }));
    expect(verified).toMatchObject({ ok: true, identity: { uuid: 'user-42', signed: true, fields: { email: 'a@example.com' }, expiresAt: (NOW + 7200) * 1000 } });
    const expired = await probe.payload(payload({ exp: NOW - 60 }));
    expect(expired).toMatchObject({ ok: false, error: { code: 'ERR_JWT_EXPIRED', path: 'payload.exp' } });
    expect(await probe.payload(payload({ email: 42 }))).toMatchObject({ ok: false, error: { code: 'ERR_IDENTITY_INVALID' } });
  });

  it("payload: the community's minimum and mappings apply", async () => {
    const probe = createProbe({ minTokenLifetime: 600, customFields: [{ name: 'plan' }], extraValueMapping: [{ key: 'tier', field: { custom: 'plan' } }] }, now);
    const result = await probe.payload(payload({ exp: NOW + 900, extra_values: { tier: 'gold' } }));
    expect(result).toMatchObject({ ok: true, identity: { customFields: { plan: 'gold' } } });
    expect(await createProbe({}, now).payload(payload({ exp: NOW + 900 }))).toMatchObject({ ok: false, error: { code: 'ERR_JWT_EXP_TOO_SOON' } });
  });

  it("header: the token's own header passes with any kid and HS256 or RS256, as the verifier would take it", async () => {
    const probe = createProbe({}, now);
    expect(await probe.header(HEADER, payload())).toMatchObject({ ok: true });
    expect(await probe.header({ ...HEADER, alg: 'RS256', kid: 'rsa_main' }, payload())).toMatchObject({ ok: true });
  });

  it('header: what the verifier refuses in a header is refused, with its code and path', async () => {
    const probe = createProbe({}, now);
    const refused = async (header: Record<string, unknown>) => {
      const result = await probe.header(header, payload());
      return result.ok ? 'verified' : `${result.error.code} ${result.error.path}`;
    };
    expect(await refused({ ...HEADER, alg: 'HS512' })).toBe('ERR_JWT_ALG header.alg');
    expect(await refused({ alg: 'HS256', typ: 'JWT' })).toBe('ERR_JWT_KID_MISSING header.kid');
    expect(await refused({ ...HEADER, kid: '' })).toBe('ERR_JWT_KID_MISSING header.kid');
    expect(await refused({ ...HEADER, jku: 'https://attacker.example/keys' })).toBe('ERR_JWT_HEADER header.jku');
    expect(await refused({ ...HEADER, typ: 'at+jwt' })).toBe('ERR_JWT_HEADER header.typ');
  });

  it('header: a failed claim after a good header is reported, so the header step is known to pass', async () => {
    const result = await createProbe({}, now).header(HEADER, payload({ exp: NOW - 60 }));
    expect(result).toMatchObject({ ok: false, error: { code: 'ERR_JWT_EXPIRED' } });
    expect(stageOf((result as { error: IdentityError }).error)).toBe('claims');
  });
});
