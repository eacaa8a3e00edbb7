/** SPEC §3: the predefined fields an agent sees (src/identity/types.ts). */
import { describe, expect, it } from 'vitest';
import { PREDEFINED_FIELDS } from '../../src/identity/types.js';

describe('PREDEFINED_FIELDS: SPEC §3, the identity attributes and the Identity Group fields', () => {
  it('are exactly the ten SPEC §3 fields, in the order the SPEC lists them', () => {
    const spec = '`firstname`, `lastname`, `screenname`, `email`, `company`, `avatar_url`, `gender`, `home_phone`, `mobile_phone`, `notes`';
    expect(PREDEFINED_FIELDS.map((field) => `\`${field}\``).join(', ')).toBe(spec);
  });

  it('name each field once, in the snake_case a JWT payload uses', () => {
    expect(new Set(PREDEFINED_FIELDS).size).toBe(PREDEFINED_FIELDS.length);
    for (const field of PREDEFINED_FIELDS) expect(field).toMatch(/^[a-z]+(?:_[a-z]+)*$/);
  });

  it('leave out uuid and extra_values: the id and the extra values have their own places in a VerifiedIdentity', () => {
    const names: readonly string[] = PREDEFINED_FIELDS;
    expect(names).not.toContain('uuid');
    expect(names).not.toContain('extra_values');
  });
});
