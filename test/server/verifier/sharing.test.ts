/** src/server/verifier/sharing.ts: what tells two communities apart on one store (their keys, and whether an id was given). */
import { describe, expect, it } from 'vitest';
import { createVerifier, defineCommunity } from '../../../src/server/verifier/index.js';
import { createStaticKeySource, createVerificationKey } from '../../../src/server/verifier/keys.js';
import { objectNumber, rememberSharing, sharingFacts } from '../../../src/server/verifier/sharing.js';

const SECRET_A = '0123456789abcdef01234567';
const SECRET_B = 'fedcba9876543210fedcba98';

describe('sharingFacts', () => {
  it('gives the same key set for the same keys, another for other keys, and says whether the id was given', () => {
    const one = createVerifier(defineCommunity({ jwtKeys: [{ id: 'k', secret: SECRET_A }] }));
    const same = createVerifier(defineCommunity({ id: 'shop', jwtKeys: [{ id: 'k', secret: SECRET_A }] }));
    const other = createVerifier(defineCommunity({ jwtKeys: [{ id: 'k', secret: SECRET_B }] }));
    expect(sharingFacts(one)).toEqual({ keySet: sharingFacts(same)!.keySet, idGiven: false });
    expect(sharingFacts(same)!.idGiven).toBe(true);
    expect(sharingFacts(other)!.keySet).not.toBe(sharingFacts(one)!.keySet);
  });

  it('names a custom key source by identity: the same object is the same set, another is not', () => {
    const community = defineCommunity({ jwtKeys: [{ id: 'k', secret: SECRET_A }] });
    const keySource = createStaticKeySource([createVerificationKey({ id: 'k', secret: SECRET_A })]);
    const a = createVerifier(community, { keySource });
    const b = createVerifier(community, { keySource });
    const c = createVerifier(community, { keySource: createStaticKeySource([]) });
    expect(sharingFacts(a)!.keySet).toMatch(/^key source #\d+$/);
    expect(sharingFacts(a)!.keySet).toBe(sharingFacts(b)!.keySet);
    expect(sharingFacts(c)!.keySet).not.toBe(sharingFacts(a)!.keySet);
  });

  it('knows nothing of a verifier it did not make, and its facts cannot be changed', () => {
    expect(sharingFacts({ verify: async () => ({}) })).toBeUndefined();
    const verifier = {};
    rememberSharing(verifier, defineCommunity({ jwtKeys: [{ id: 'k', secret: SECRET_A }] }), undefined);
    expect(Object.isFrozen(sharingFacts(verifier))).toBe(true);
  });
});

describe('objectNumber', () => {
  it('numbers each object once and never reuses a number', () => {
    const a = {};
    const b = {};
    expect(objectNumber(a)).toBe(objectNumber(a));
    expect(objectNumber(b)).not.toBe(objectNumber(a));
  });
});
