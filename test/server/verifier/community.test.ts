/**
 * SPEC §3 — the community configuration: every rule, positive and negative.
 * Keys are made with node:crypto and the openssl CLI, never with jose.
 */
import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createVerificationKey, createVerifier, defineCommunity, IdentityError, type CommunityConfig } from '../../../src/server/index.js';
import { communityInternals } from '../../../src/server/verifier/community.js';
import { HS_KEY, HS_KEY_256, rsaKey } from '../../helpers/sign.js';

const hs = { id: HS_KEY.kid, secret: HS_KEY.secret };

/** Runs defineCommunity and returns the ERR_COMMUNITY_INVALID it throws. */
function problemsOf(config: unknown): IdentityError {
  try {
    defineCommunity(config as CommunityConfig);
  } catch (error) {
    expect(error).toBeInstanceOf(IdentityError);
    expect((error as IdentityError).code).toBe('ERR_COMMUNITY_INVALID');
    return error as IdentityError;
  }
  throw new Error('defineCommunity accepted an invalid configuration');
}

function paths(error: IdentityError): string[] {
  return error.problems.map((problem) => problem.path);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('defaults (SPEC §3)', () => {
  it('require mode, 3600 s minimum lifetime, 10 s tolerance', () => {
    const community = defineCommunity({ jwtKeys: [hs] });
    expect(community.signedIdentities).toBe('require');
    expect(community.policy).toEqual({ mode: 'require', minTokenLifetime: 3600, clockTolerance: 10 });
    expect(community.keys).toEqual([{ id: 'site_2026', alg: 'HS256' }]);
  });

  it('keeps given values', () => {
    const community = defineCommunity({ jwtKeys: [hs], minTokenLifetime: 600, clockTolerance: 0, signedIdentities: 'accept' });
    expect(community.policy).toEqual({ mode: 'accept', minTokenLifetime: 600, clockTolerance: 0 });
  });

  it('never exposes a secret in the community object', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const community = defineCommunity({ jwtKeys: [hs, { id: 'b', secret: HS_KEY_256.secret }] });
    const text = JSON.stringify(community);
    expect(text).not.toContain(HS_KEY.secret);
    expect(text).not.toContain(HS_KEY_256.secret);
  });
});

describe('signedIdentities', () => {
  it.each(['require', 'reject', 'accept'] as const)('accepts %s', (mode) => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(defineCommunity({ signedIdentities: mode, jwtKeys: [hs] }).signedIdentities).toBe(mode);
  });

  it('refuses anything else', () => {
    const error = problemsOf({ signedIdentities: 'optional', jwtKeys: [hs] });
    expect(error.problems).toEqual([{ code: 'ERR_COMMUNITY_INVALID', path: 'signedIdentities', message: expect.stringContaining("'require', 'reject' or 'accept'") }]);
  });

  it("warns once, at definition time, that 'accept' is deprecated and unsafe", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const community = defineCommunity({ signedIdentities: 'accept', jwtKeys: [hs] });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/deprecated/);
    expect(String(warn.mock.calls[0]![0])).toMatch(/unsafe.*any uuid/);
    const verifier = createVerifier(community);
    await verifier.verify({ identity: { uuid: 'x' } });
    await verifier.verify({ identity: { uuid: 'y' } });
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("does not warn for 'require' or 'reject'", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    defineCommunity({ jwtKeys: [hs] });
    defineCommunity({ signedIdentities: 'reject' });
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('keys are needed unless signed identities are rejected', () => {
  it.each(['require', 'accept'] as const)('%s without keys is refused with the SPEC message', (mode) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = problemsOf({ signedIdentities: mode, jwtKeys: [] });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]!.path).toBe('jwtKeys');
    expect(error.message).toContain('configure JWT keys or change the mode to reject JWT signed identities');
    expect(warn).not.toHaveBeenCalled();
  });

  it('the default mode without keys is refused too', () => {
    expect(paths(problemsOf({}))).toEqual(['jwtKeys']);
  });

  it('reject needs no key', () => {
    expect(defineCommunity({ signedIdentities: 'reject' }).keys).toEqual([]);
  });
});

describe('every problem is reported at once, with its path', () => {
  it('lists all problems in problems[] and in the message', () => {
    const error = problemsOf({
      signedIdentities: 'require',
      jwtKeys: [hs, { id: 'second', secret: '0123456789abcdef0123456789abcdef' }, { id: 'Bad Id', secret: HS_KEY.secret }],
      minTokenLifetime: -1,
      clockTolerance: 'ten',
      customFields: [{ name: 'crm_id', regex: '([' }],
      extraValueMapping: [{ key: 'crm', field: { custom: 'nope' } }],
      jwtkeys: [],
    });
    expect(paths(error).sort()).toEqual(
      [
        'jwtkeys',
        'jwtKeys[1].secret',
        'jwtKeys[2].id',
        'minTokenLifetime',
        'clockTolerance',
        'customFields[0].regex',
        'extraValueMapping[0].field.custom',
      ].sort(),
    );
    expect(error.message).toContain('jwtKeys[1].secret: must be 24 characters 0-9 a-f, got 32');
    for (const problem of error.problems) expect(error.message).toContain(`${problem.path}: ${problem.message}`);
    expect(error.message).toMatch(/7 problems/);
  });

  it('refuses a config that is not an object', () => {
    expect(paths(problemsOf(null))).toContain('config');
    expect(paths(problemsOf('require'))).toContain('config');
  });

  it('names unknown top-level options and the known ones', () => {
    const error = problemsOf({ jwtKeys: [hs], signedIdentity: 'reject' });
    expect(error.problems).toEqual([{ code: 'ERR_COMMUNITY_INVALID', path: 'signedIdentity', message: expect.stringContaining('known options are $schema, id, signedIdentities') }]);
  });
});

describe('community id (SPEC §6 "Sharing")', () => {
  it('defaults to default, is part of the verifier, and must be [a-z0-9_-]{1,64}', () => {
    expect(defineCommunity({ jwtKeys: [hs] }).id).toBe('default');
    expect(defineCommunity({ id: 'acme_shop-2', jwtKeys: [hs] }).id).toBe('acme_shop-2');
    for (const id of ['', 'Acme', 'a.b', 'x'.repeat(65), 7]) {
      expect(problemsOf({ id, jwtKeys: [hs] } as never).problems).toEqual([{ code: 'ERR_COMMUNITY_INVALID', path: 'id', message: expect.stringContaining('a-z 0-9 _ -') }]);
    }
  });
});

describe('key ids', () => {
  it.each(['a', 'site_2026', 'x'.repeat(64), '0_9'])('accepts %s', (id) => {
    expect(defineCommunity({ jwtKeys: [{ id, secret: HS_KEY.secret }] }).keys[0]!.id).toBe(id);
  });

  it.each(['', 'Site', 'with space', 'dash-ed', 'x'.repeat(65), 'é'])('refuses %j', (id) => {
    expect(paths(problemsOf({ jwtKeys: [{ id, secret: HS_KEY.secret }] }))).toContain('jwtKeys[0].id');
  });

  it('refuses a missing or non-string id', () => {
    expect(paths(problemsOf({ jwtKeys: [{ secret: HS_KEY.secret }] }))).toContain('jwtKeys[0].id');
    expect(paths(problemsOf({ jwtKeys: [{ id: 7, secret: HS_KEY.secret }] }))).toContain('jwtKeys[0].id');
  });

  it('refuses duplicates, naming the first one', () => {
    const error = problemsOf({ jwtKeys: [hs, { id: hs.id, secret: HS_KEY_256.secret }] });
    expect(error.problems).toEqual([{ code: 'ERR_COMMUNITY_INVALID', path: 'jwtKeys[1].id', message: expect.stringContaining('jwtKeys[0]') }]);
  });

  it('allows several live keys (rotation)', () => {
    const community = defineCommunity({ jwtKeys: [hs, { id: HS_KEY_256.kid, secret: HS_KEY_256.secret }, { id: 'rsa_main', publicKey: rsaKey().publicKeyPem }] });
    expect(community.keys.map((key) => key.alg)).toEqual(['HS256', 'HS256', 'RS256']);
  });
});

describe('HMAC secrets', () => {
  it('accepts 24 and 64 lower-case hex characters', () => {
    expect(defineCommunity({ jwtKeys: [hs, { id: 'long', secret: HS_KEY_256.secret }] }).keys).toHaveLength(2);
  });

  it('states the length it got, and never the secret', () => {
    const secret = 'deadbeefdeadbeefdeadbeefdeadbeef';
    const error = problemsOf({ jwtKeys: [{ id: 'k', secret }] });
    expect(error.problems[0]).toEqual({ code: 'ERR_COMMUNITY_INVALID', path: 'jwtKeys[0].secret', message: expect.stringMatching(/^must be 24 characters 0-9 a-f, got 32/) });
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(error.problems)).not.toContain(secret);
  });

  it.each([
    ['upper case', '0123456789ABCDEF01234567', /upper-case/],
    ['not hex', '0123456789abcdefg1234567', /position 17/],
    ['too short', '0123', /got 4/],
    ['not a string', 1234, /got number/],
  ])('refuses %s', (_name, secret, message) => {
    const error = problemsOf({ jwtKeys: [{ id: 'k', secret }] });
    expect(error.problems).toEqual([{ code: 'ERR_COMMUNITY_INVALID', path: 'jwtKeys[0].secret', message: expect.stringMatching(message) }]);
    if (typeof secret === 'string') expect(error.message).not.toContain(secret);
  });

  it('needs exactly one of secret and publicKey', () => {
    expect(problemsOf({ jwtKeys: [{ id: 'k' }] }).problems).toEqual([{ code: 'ERR_COMMUNITY_INVALID', path: 'jwtKeys[0]', message: expect.stringContaining('needs a secret') }]);
    const both = problemsOf({ jwtKeys: [{ id: 'k', secret: HS_KEY.secret, publicKey: rsaKey().publicKeyPem }] });
    expect(both.problems).toEqual([{ code: 'ERR_COMMUNITY_INVALID', path: 'jwtKeys[0]', message: expect.stringContaining('not both') }]);
    expect(both.message).not.toContain(HS_KEY.secret);
  });

  it('refuses unknown key options (typos)', () => {
    expect(paths(problemsOf({ jwtKeys: [{ id: 'k', publickey: 'x' }] }))).toContain('jwtKeys[0].publickey');
  });
});

describe('RSA public keys', () => {
  const rsa = rsaKey();
  let dir: string;
  let certificatePem: string;
  let certificateKeyPem: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatq-cert-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=t', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    certificatePem = readFileSync(join(dir, 'cert.pem'), 'utf8');
    certificateKeyPem = readFileSync(join(dir, 'key.pem'), 'utf8');
    rmSync(dir, { recursive: true, force: true });
  });

  function accepted(publicKey: unknown): number | undefined {
    return defineCommunity({ jwtKeys: [{ id: 'rsa', publicKey: publicKey as string }] }).keys[0]!.bits;
  }

  it('accepts SPKI PEM', () => {
    expect(accepted(rsa.publicKeyPem)).toBe(2048);
  });

  it('accepts PKCS#1 PEM (BEGIN RSA PUBLIC KEY)', () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 3072 }).publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(pem).toContain('BEGIN RSA PUBLIC KEY');
    expect(accepted(pem)).toBe(3072);
  });

  it('accepts an X.509 certificate PEM made by openssl', () => {
    expect(certificatePem).toContain('BEGIN CERTIFICATE');
    expect(accepted(certificatePem)).toBe(2048);
  });

  it('accepts a JWK object and a JWK as JSON text', () => {
    const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    expect(accepted(jwk)).toBe(2048);
    expect(accepted(JSON.stringify({ ...jwk, alg: 'RS256', use: 'sig' }))).toBe(2048);
  });

  it('refuses keys below 2048 bits', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    const error = problemsOf({ jwtKeys: [{ id: 'rsa', publicKey: small.export({ type: 'spki', format: 'pem' }).toString() }] });
    expect(error.problems).toEqual([{ code: 'ERR_COMMUNITY_INVALID', path: 'jwtKeys[0].publicKey', message: expect.stringContaining('at least 2048 bits, got 1024') }]);
    expect(paths(problemsOf({ jwtKeys: [{ id: 'rsa', publicKey: small.export({ format: 'jwk' }) }] }))).toEqual(['jwtKeys[0].publicKey']);
  });

  it.each([
    ['PKCS#8 PEM', () => rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()],
    ['PKCS#1 private PEM', () => rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()],
    ['openssl key file', () => certificateKeyPem],
    ['private JWK', () => rsa.privateKey.export({ format: 'jwk' })],
    ['private JWK as JSON', () => JSON.stringify(rsa.privateKey.export({ format: 'jwk' }))],
  ])('refuses a private key (%s) with an error that says so and never echoes it', (_name, make) => {
    const key = make();
    const error = problemsOf({ jwtKeys: [{ id: 'rsa', publicKey: key }] });
    expect(error.problems).toEqual([{ code: 'ERR_COMMUNITY_INVALID', path: 'jwtKeys[0].publicKey', message: expect.stringContaining('private key') }]);
    const text = typeof key === 'string' ? key : JSON.stringify(key);
    const body = text.includes('-----') ? text.split('\n')[1]!.slice(0, 40) : (JSON.parse(text) as { d: string }).d.slice(0, 40);
    expect(error.message).not.toContain(body);
    expect(JSON.stringify(error.problems)).not.toContain(body);
  });

  it.each([
    ['an EC key', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString()],
    ['an EC JWK', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' })],
    ['garbage', () => 'not a key'],
    ['a broken PEM', () => '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'],
    ['two PEM blocks', () => rsa.publicKeyPem + rsa.publicKeyPem],
    ['a number', () => 42],
    ['a JWK with alg HS256', () => ({ ...(rsa.privateKey.export({ format: 'jwk' }) as Record<string, unknown>), d: undefined, p: undefined, q: undefined, dp: undefined, dq: undefined, qi: undefined, alg: 'HS256' })],
  ])('refuses %s', (_name, make) => {
    const value = make() as Record<string, unknown> | string | number;
    const clean = typeof value === 'object' ? JSON.parse(JSON.stringify(value)) : value;
    expect(paths(problemsOf({ jwtKeys: [{ id: 'rsa', publicKey: clean }] }))).toEqual(['jwtKeys[0].publicKey']);
  });
});

describe('time settings', () => {
  it.each([
    ['minTokenLifetime', -1],
    ['minTokenLifetime', Number.NaN],
    ['minTokenLifetime', '3600'],
    ['minTokenLifetime', 400 * 24 * 3600],
    ['clockTolerance', -5],
    ['clockTolerance', Infinity],
    ['clockTolerance', 301],
  ])('refuses %s = %s', (name, value) => {
    expect(paths(problemsOf({ jwtKeys: [hs], [name]: value }))).toEqual([name]);
  });

  it('accepts 0 and the maxima', () => {
    expect(defineCommunity({ jwtKeys: [hs], minTokenLifetime: 0, clockTolerance: 300 }).policy).toMatchObject({ minTokenLifetime: 0, clockTolerance: 300 });
  });
});

describe('custom fields', () => {
  it('are declared with an optional regex', () => {
    const community = defineCommunity({ jwtKeys: [hs], customFields: [{ name: 'crm_id', regex: '^CRM-[0-9]+$' }, { name: 'notes_2' }] });
    expect(community.customFields).toEqual([{ name: 'crm_id', regex: '^CRM-[0-9]+$' }, { name: 'notes_2' }]);
  });

  it.each([
    [[{ name: '' }], 'customFields[0].name'],
    [[{ name: '__proto__' }], 'customFields[0].name'],
    [[{ name: 'a b' }], 'customFields[0].name'],
    [[{ name: 'crm' }, { name: 'crm' }], 'customFields[1].name'],
    [[{ name: 'crm', regex: '(' }], 'customFields[0].regex'],
    [[{ name: 'crm', regex: 5 }], 'customFields[0].regex'],
    [[{ name: 'crm', pattern: 'x' }], 'customFields[0].pattern'],
    [[null], 'customFields[0]'],
    ['crm', 'customFields'],
  ])('refuses %j', (customFields, path) => {
    expect(paths(problemsOf({ jwtKeys: [hs], customFields }))).toEqual([path]);
  });
});

describe('extra value mapping', () => {
  const customFields = [{ name: 'crm_id', regex: '^CRM-[0-9]+$' }];

  it('maps onto predefined fields, custom fields and the uuid', () => {
    const extraValueMapping = [
      { key: 'customer_id', field: 'company' as const },
      { key: 'phone', field: 'mobile_phone' as const },
      { key: 'uuid', field: { custom: 'crm_id' } },
    ];
    expect(defineCommunity({ jwtKeys: [hs], customFields, extraValueMapping }).extraValueMapping).toEqual(extraValueMapping);
  });

  it.each([
    [[{ key: 'x', field: 'nickname' }], 'extraValueMapping[0].field'],
    [[{ key: 'x', field: { custom: 'undeclared' } }], 'extraValueMapping[0].field.custom'],
    [[{ key: 'x', field: { custom: 'crm_id', extra: 1 } }], 'extraValueMapping[0].field'],
    [[{ key: 'bad key', field: 'company' }], 'extraValueMapping[0].key'],
    [[{ key: '__proto__', field: 'company' }], 'extraValueMapping[0].key'],
    [[{ key: 'a', field: 'company' }, { key: 'b', field: 'company' }], 'extraValueMapping[1].field'],
    [[{ key: 'a', field: 'company', to: 'x' }], 'extraValueMapping[0].to'],
    [{}, 'extraValueMapping'],
  ])('refuses %j', (extraValueMapping, path) => {
    expect(paths(problemsOf({ jwtKeys: [hs], customFields, extraValueMapping }))).toEqual([path]);
  });
});

describe('only defined communities make verifiers', () => {
  it('refuses a plain object', () => {
    expect(() => createVerifier({ signedIdentities: 'reject' } as never)).toThrow(expect.objectContaining({ code: 'ERR_COMMUNITY_INVALID' }));
  });

  it('refuses a bad cacheSize', () => {
    const community = defineCommunity({ jwtKeys: [hs] });
    expect(() => createVerifier(community, { cacheSize: -1 })).toThrow(expect.objectContaining({ code: 'ERR_VERIFIER_CONFIG' }));
  });
});

describe('createVerificationKey (keys for custom key sources)', () => {
  it('imports a key with the same rules', () => {
    expect(createVerificationKey({ id: 'k', secret: HS_KEY.secret })).toMatchObject({ id: 'k', alg: 'HS256' });
    expect(createVerificationKey({ id: 'r', publicKey: rsaKey().publicKeyPem })).toMatchObject({ id: 'r', alg: 'RS256', bits: 2048 });
  });

  it('throws ERR_COMMUNITY_INVALID with the problems', () => {
    expect(() => createVerificationKey({ id: 'K', secret: 'short' })).toThrow(expect.objectContaining({ code: 'ERR_COMMUNITY_INVALID', problems: [expect.objectContaining({ path: 'key.id' }), expect.objectContaining({ path: 'key.secret' })] }));
  });
});

describe('the key set, by which a handler tells two communities on one store apart (issue 16 LOW 1)', () => {
  const keySet = (config: CommunityConfig) => communityInternals(defineCommunity(config)).keySet;
  const other = { id: HS_KEY.kid, secret: 'fedcba9876543210fedcba98' };

  it('the same keys give the same key set, in any order and form; another secret, id or key gives another', () => {
    const rsa = rsaKey('rsa_main');
    const jwk = createPublicKey(rsa.publicKeyPem).export({ format: 'jwk' }) as { kty: 'RSA'; n: string; e: string };
    expect(keySet({ jwtKeys: [hs, { id: 'rsa_main', publicKey: rsa.publicKeyPem }] })).toBe(keySet({ jwtKeys: [{ id: 'rsa_main', publicKey: jwk }, hs] }));
    expect(keySet({ jwtKeys: [hs] })).not.toBe(keySet({ jwtKeys: [other] }));
    expect(keySet({ jwtKeys: [hs] })).not.toBe(keySet({ jwtKeys: [{ ...hs, id: 'renamed' }] }));
    expect(keySet({ jwtKeys: [{ id: 'rsa_main', publicKey: rsa.publicKeyPem }] })).not.toBe(keySet({ jwtKeys: [{ id: 'rsa_main', publicKey: rsaKey('rsa_other').publicKeyPem }] }));
  });

  it('holds no secret, and says whether the id was given', () => {
    expect(keySet({ jwtKeys: [hs] })).not.toContain(hs.secret.slice(0, 8));
    expect(communityInternals(defineCommunity({ jwtKeys: [hs] })).idGiven).toBe(false);
    expect(communityInternals(defineCommunity({ id: 'shop', jwtKeys: [hs] })).idGiven).toBe(true);
  });
});
