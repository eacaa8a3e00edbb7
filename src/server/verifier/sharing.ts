/**
 * What a handler needs to know to tell two communities apart on one store
 * (issue 16 LOW 1, handler/community-claim.ts): the verifier's key set, and
 * whether its community's id was given or left to the default.
 */
import { communityInternals } from './community.js';
import type { Community, KeySource } from './types.js';

export interface SharingFacts {
  /** The same string for the same keys; a custom key source is itself (by identity). */
  readonly keySet: string;
  readonly idGiven: boolean;
}

const facts = new WeakMap<object, SharingFacts>();
const sourceNumbers = new WeakMap<object, number>();
let nextSource = 1;

/** A stable name for an object in this process: custom key sources and verifiers are told apart by identity. */
export function objectNumber(value: object): number {
  let number = sourceNumbers.get(value);
  if (number === undefined) {
    number = nextSource++;
    sourceNumbers.set(value, number);
  }
  return number;
}

/** Called by createVerifier for the verifier it returns. */
export function rememberSharing(verifier: object, community: Community, keySource: KeySource | undefined): void {
  const { keySet, idGiven } = communityInternals(community);
  facts.set(verifier, Object.freeze({ keySet: keySource ? `key source #${objectNumber(keySource)}` : keySet, idGiven }));
}

/** The facts of a verifier made by createVerifier; `undefined` for a verifier of your own. */
export function sharingFacts(verifier: object): SharingFacts | undefined {
  return facts.get(verifier);
}
