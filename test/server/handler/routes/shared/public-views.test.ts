/**
 * What the visitor's own browser may see of its identity and of the policy
 * (SPEC §4, §6): never the custom fields or extra values, never more than the
 * three policy fields of the contract.
 */
import { describe, expect, it } from 'vitest';
import type { VerifiedIdentity } from '../../../../../src/identity/index.js';
import { publicIdentity, publicPolicy } from '../../../../../src/server/handler/routes/shared/public-views.js';

/** What the browser may see of a signed identity. */
const PUBLIC = {
  uuid: 'user-42',
  uuidSource: 'jwt',
  signed: true,
  kid: 'key_2026',
  expiresAt: 1_800_000_000_000,
  fields: { firstname: 'Ada' },
  warnings: [{ code: 'W_FIELD_DROPPED', path: 'fields.age', message: 'not a field' }],
} as const;
const VERIFIED: VerifiedIdentity = { ...PUBLIC, warnings: [...PUBLIC.warnings], customFields: { crm_id: 'CRM-1' }, extraValues: { plan: 'gold' } };

describe('publicIdentity', () => {
  it('keeps the uuid, its source, the signature, the key, the expiry, the predefined fields and the warnings — and drops the agent-only values', () => {
    expect(publicIdentity(VERIFIED)).toEqual(PUBLIC);
  });

  it('has no kid or expiresAt key at all for an unsigned identity, and empty fields and warnings when the verifier gave none', () => {
    const { kid: _kid, expiresAt: _expiresAt, ...unsigned } = VERIFIED;
    const view = publicIdentity({ ...unsigned, uuidSource: 'automated', signed: false, fields: undefined as never, warnings: undefined as never });
    expect(view).toEqual({ uuid: 'user-42', uuidSource: 'automated', signed: false, fields: {}, warnings: [] });
    expect(Object.keys(view)).not.toContain('kid');
    expect(Object.keys(view)).not.toContain('expiresAt');
  });
});

describe('publicPolicy', () => {
  it('keeps only mode, minTokenLifetime and clockTolerance of a verifier’s policy object', () => {
    const policy = { mode: 'require', minTokenLifetime: 300, clockTolerance: 5, jwksUrl: 'https://internal.test/keys' } as const;
    expect(publicPolicy(policy)).toEqual({ mode: 'require', minTokenLifetime: 300, clockTolerance: 5 });
  });
});
