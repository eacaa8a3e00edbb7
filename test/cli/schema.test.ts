/**
 * SPEC §9 `chatq/community.schema.json`: the schema and defineCommunity agree.
 * Every valid community the tests use passes the schema, and whatever the
 * schema refuses, defineCommunity refuses too (the schema may be more lenient:
 * unique ids, RSA key size and regex safety are defineCommunity's alone).
 */
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { defineCommunity, type CommunityConfig } from '../../src/server/index.js';
import { HS_KEY, HS_KEY_256, rsaKey } from '../helpers/sign.js';

const schema = JSON.parse(readFileSync(new URL('../../community.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
const rsa = rsaKey('rsa_main');
const publicJwk = { ...rsa.privateKey.export({ format: 'jwk' }) } as Record<string, unknown>;
for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) delete publicJwk[member];
const privateJwk = rsa.privateKey.export({ format: 'jwk' });
const privatePem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** defineCommunity on a file's object: `$schema` is for editors (the CLI leaves it out the same way). */
function accepted(config: Record<string, unknown>): boolean {
  const { $schema: _, ...rest } = config;
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  try {
    defineCommunity(rest as CommunityConfig);
    return true;
  } catch {
    return false;
  } finally {
    warn.mockRestore();
  }
}

const demo = JSON.parse(readFileSync(new URL('../../demo/community.json', import.meta.url), 'utf8'));
demo.jwtKeys = demo.jwtKeys.map((key: { id: string; publicKey?: string }) => (key.publicKey ? { ...key, publicKey: rsa.publicKeyPem } : key));

const VALID: Record<string, Record<string, unknown>> = {
  'the demo community': { $schema: './community.schema.json', ...demo },
  'the SPEC §3 example (the uuid mapped to its own field: one mapping per field)': {
    id: 'acme_shop',
    signedIdentities: 'require',
    jwtKeys: [{ id: 'site_2026', secret: '0123456789abcdef01234567' }, { id: 'rsa_main', publicKey: rsa.publicKeyPem }],
    minTokenLifetime: 3600,
    clockTolerance: 10,
    customFields: [{ name: 'crm_id', regex: '^CRM-[0-9]+$' }, { name: 'customer_no', regex: '^[0-9]+$' }],
    extraValueMapping: [
      { key: 'customer_id', field: 'company' },
      { key: 'crm', field: { custom: 'crm_id' } },
      { key: 'uuid', field: { custom: 'customer_no' } },
    ],
  },
  'the CLI tests\' community': { jwtKeys: [{ id: HS_KEY.kid, secret: HS_KEY.secret }, { id: HS_KEY_256.kid, secret: HS_KEY_256.secret }, { id: rsa.kid, publicKey: rsa.publicKeyPem }] },
  'a public JWK from keygen rs256': { jwtKeys: [{ id: 'rsa_2026', publicKey: { ...publicJwk, alg: 'RS256', use: 'sig', kid: 'rsa_2026' } }] },
  'reject mode without keys': { signedIdentities: 'reject' },
  'accept mode': { signedIdentities: 'accept', jwtKeys: [{ id: 'k', secret: HS_KEY.secret }], minTokenLifetime: 0, clockTolerance: 300 },
  'a PKCS#1 public PEM': { jwtKeys: [{ id: 'k', publicKey: createPublicKey(rsa.publicKeyPem).export({ type: 'pkcs1', format: 'pem' }).toString() }] },
};

const hs = [{ id: 'k', secret: HS_KEY.secret }];
const INVALID: Record<string, unknown> = {
  'not an object': [],
  'an unknown option': { jwtKeys: hs, jwtkeys: hs },
  'a bad id': { id: 'Acme Shop', jwtKeys: hs },
  'a bad mode': { signedIdentities: 'maybe', jwtKeys: hs },
  'require without keys': { signedIdentities: 'require' },
  'the default mode with an empty key list': { jwtKeys: [] },
  'a key id in upper case': { jwtKeys: [{ id: 'Site', secret: HS_KEY.secret }] },
  'a key id over 64': { jwtKeys: [{ id: 'k'.repeat(65), secret: HS_KEY.secret }] },
  'a 32-character secret': { jwtKeys: [{ id: 'k', secret: '0123456789abcdef0123456789abcdef' }] },
  'an upper-case secret': { jwtKeys: [{ id: 'k', secret: HS_KEY.secret.toUpperCase() }] },
  'secret and publicKey': { jwtKeys: [{ id: 'k', secret: HS_KEY.secret, publicKey: rsa.publicKeyPem }] },
  'a key with neither': { jwtKeys: [{ id: 'k' }] },
  'a private PEM': { jwtKeys: [{ id: 'k', publicKey: privatePem }] },
  'a private JWK': { jwtKeys: [{ id: 'k', publicKey: privateJwk }] },
  'an EC JWK': { jwtKeys: [{ id: 'k', publicKey: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' } }] },
  'a JWK for encryption': { jwtKeys: [{ id: 'k', publicKey: { ...publicJwk, use: 'enc' } }] },
  'a key option typo': { jwtKeys: [{ id: 'k', publickey: rsa.publicKeyPem }] },
  'a negative minTokenLifetime': { jwtKeys: hs, minTokenLifetime: -1 },
  'minTokenLifetime as a string': { jwtKeys: hs, minTokenLifetime: '3600' },
  'clockTolerance over 300': { jwtKeys: hs, clockTolerance: 301 },
  'a custom field without a name': { jwtKeys: hs, customFields: [{ regex: 'x' }] },
  'a custom field named __proto__': { jwtKeys: hs, customFields: [{ name: '__proto__' }] },
  'an empty regex': { jwtKeys: hs, customFields: [{ name: 'a', regex: '' }] },
  'a mapping to an unknown predefined field': { jwtKeys: hs, extraValueMapping: [{ key: 'a', field: 'phone' }] },
  'a mapping with a bad key': { jwtKeys: hs, extraValueMapping: [{ key: 'a b', field: 'company' }] },
  'a mapping without a field': { jwtKeys: hs, extraValueMapping: [{ key: 'a' }] },
  'a mapping with an extra member': { jwtKeys: hs, extraValueMapping: [{ key: 'a', field: 'company', to: 'x' }] },
};

describe('every valid community in the tests passes the schema', () => {
  for (const [name, config] of Object.entries(VALID)) {
    it(name, () => {
      expect(accepted(config)).toBe(true);
      expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
    });
  }
});

describe('what the schema refuses, defineCommunity refuses', () => {
  for (const [name, config] of Object.entries(INVALID)) {
    it(name, () => {
      expect(validate(config)).toBe(false);
      expect(accepted(config as Record<string, unknown>)).toBe(false);
    });
  }

  it('on generated configurations: schema-invalid ⇒ defineCommunity refuses', () => {
    const pick = <T>(...values: T[]) => fc.constantFrom(...values);
    const key = fc.record(
      {
        id: pick<unknown>('k', 'k2', 'K', '', 'a_b', 'x'.repeat(65), 7),
        secret: pick<unknown>(HS_KEY.secret, HS_KEY_256.secret, 'abc', HS_KEY.secret.toUpperCase(), 1),
        publicKey: pick<unknown>(rsa.publicKeyPem, publicJwk, privateJwk, privatePem, { kty: 'EC' }, 42),
      },
      { requiredKeys: [] },
    );
    const config = fc.record(
      {
        $schema: pick('./community.schema.json'),
        id: pick('acme', 'Acme', '', 'a-b_c'),
        signedIdentities: pick<unknown>('require', 'reject', 'accept', 'REQUIRE', null),
        jwtKeys: fc.oneof(fc.array(key, { maxLength: 3 }), pick<unknown>('keys', null)),
        minTokenLifetime: pick<unknown>(0, 30, 3600, -1, 1e9, '60'),
        clockTolerance: pick<unknown>(0, 10, 300, 301, -5),
        customFields: fc.array(fc.record({ name: pick<unknown>('crm', 'plan', '', '__proto__', 5), regex: pick<unknown>('^[0-9]+$', '', 3) }, { requiredKeys: ['name'] }), { maxLength: 2 }),
        extraValueMapping: fc.array(fc.record({ key: pick('a', 'uuid', 'a b'), field: pick<unknown>('company', 'phone', { custom: 'crm' }, { custom: 'nope' }, 3) }, { requiredKeys: [] }), { maxLength: 2 }),
        surprise: pick(1),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(config, (value) => {
        // The converse need not hold: duplicate ids, undeclared custom fields, two mappings onto one field are defineCommunity's alone.
        if (!validate(value)) expect(accepted(value)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
