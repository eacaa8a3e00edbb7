/**
 * SPEC §3: extra values (and the uuid) mapped onto predefined and custom
 * fields.
 * Tokens are signed by test/helpers/sign.ts (node:crypto by hand, no jose);
 * shared helpers are in fixtures.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXTRA_VALUE_KEY, FORBIDDEN_KEYS, normalizeIdentityData, type IdentityError } from '../../../src/identity/index.js';
import { defineCommunity, type CommunityConfig } from '../../../src/server/verifier/index.js';
import { b64url, hmacSignature, HS_KEY, signHS256 } from '../../helpers/sign.js';
import { NOW, payload, verifierFor, useVerifierTestHooks } from './fixtures.js';

useVerifierTestHooks();

describe('mappings (SPEC §3)', () => {
  const config: Partial<CommunityConfig> = {
    customFields: [{ name: 'crm_id', regex: 'CRM-[0-9]+' }, { name: 'plan' }],
    extraValueMapping: [
      { key: 'customer_id', field: 'company' },
      { key: 'phone', field: 'mobile_phone' },
      { key: 'contact', field: 'email' },
      { key: 'tier', field: { custom: 'plan' } },
      { key: 'uuid', field: { custom: 'crm_id' } },
    ],
  };

  it('fills predefined and custom fields from extra values and the uuid', async () => {
    const result = await verifierFor(config).verify({
      jwt: signHS256(payload({ uuid: 'CRM-1234', company: 'Ignored', extra_values: { customer_id: 'Acme', phone: '+33 1', tier: 'gold' } }), HS_KEY),
    });
    expect(result.fields).toEqual({ company: 'Acme', mobile_phone: '+33 1' });
    expect(result.customFields).toEqual({ crm_id: 'CRM-1234', plan: 'gold' });
    expect(result.extraValues).toEqual({ customer_id: 'Acme', phone: '+33 1', tier: 'gold' });
    expect(result.warnings).toEqual([]);
  });

  it('a custom field regex must match the whole value; else not stored, with W_CUSTOM_FIELD_REGEX', async () => {
    const result = await verifierFor(config).verify({ jwt: signHS256(payload({ uuid: 'xCRM-1234' }), HS_KEY) });
    expect(result.customFields).toEqual({});
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'W_CUSTOM_FIELD_REGEX', path: 'payload.uuid' })]);
  });

  it('the automated uuid is never mapped, even one crafted to match the customer-id regex', async () => {
    const verifier = verifierFor({ ...config, signedIdentities: 'reject' });
    for (const automatedUuid of ['CRM-12345678901234567890', 'Zm9vYmFyYmF6cXV4cXV1eHh4', undefined]) {
      const result = await verifier.verify({ automatedUuid, identity: { extra_values: { tier: 'gold' } } });
      expect(result.uuidSource).toBe('automated');
      expect(result.customFields).toEqual({ plan: 'gold' });
    }
  });

  it('an unsigned uuid maps like a signed one', async () => {
    const result = await verifierFor({ ...config, signedIdentities: 'reject' }).verify({ identity: { uuid: 'CRM-7', extra_values: { customer_id: 'Acme' } } });
    expect(result.customFields).toEqual({ crm_id: 'CRM-7' });
    expect(result.fields).toEqual({ company: 'Acme' });
  });

  it('a mapped value that breaks the target field rules is dropped with a warning', async () => {
    const result = await verifierFor(config).verify({ jwt: signHS256(payload({ extra_values: { contact: 'nope', customer_id: 'x'.repeat(300) } }), HS_KEY) });
    expect(result.fields).toEqual({});
    const dropped = result.warnings.filter((warning) => warning.code === 'W_FIELD_DROPPED');
    expect(dropped.map((warning) => warning.path).sort()).toEqual(['payload.extra_values.contact', 'payload.extra_values.customer_id']);
  });

  it('never honours __proto__, constructor or prototype', async () => {
    const body = `{"uuid":"u","exp":${NOW + 7200},"__proto__":{"polluted":1},"extra_values":{"__proto__":"x","constructor":"y","tier":"gold"}}`;
    const input = `${b64url({ alg: 'HS256', kid: HS_KEY.kid })}.${b64url(body)}`;
    const result = await verifierFor(config).verify({ jwt: `${input}.${hmacSignature(input, HS_KEY.secret)}` });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(result.extraValues)).toEqual(['tier']);
    expect(Object.getPrototypeOf(result.customFields)).toBeNull();
    expect(result.customFields).toEqual({ plan: 'gold' });
  });
});

describe('extraValueMapping keys follow the SPEC §2 extra value key rule', () => {
  const keys = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', 'Z', '0', '_', '.', '-', ' ', 'é', '/', '$', ':'), maxLength: 70 }),
    fc.constantFrom('', 'uuid', 'x'.repeat(64), 'x'.repeat(65), '__proto__', 'constructor', 'prototype'),
  );

  it('a key is accepted at definition time exactly when a payload can carry it as an extra value', () => {
    fc.assert(
      fc.property(keys, (key) => {
        let accepted = true;
        try {
          defineCommunity({ jwtKeys: [{ id: HS_KEY.kid, secret: HS_KEY.secret }], extraValueMapping: [{ key, field: 'company' }] });
        } catch (error) {
          expect((error as IdentityError).code).toBe('ERR_COMMUNITY_INVALID');
          accepted = false;
        }
        // JSON.parse, as a real payload: "__proto__" becomes an own key.
        const carried = normalizeIdentityData(JSON.parse(`{"extra_values":{${JSON.stringify(key)}:"v"}}`), 'payload').extraValues;
        expect(accepted).toBe(Object.keys(carried).includes(key));
        expect(accepted).toBe(EXTRA_VALUE_KEY.test(key) && !FORBIDDEN_KEYS.has(key));
      }),
      { numRuns: 400 },
    );
  });
});
