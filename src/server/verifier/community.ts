import { IdentityError, type IdentityPolicy, type SignedIdentitiesMode } from '../../identity/index.js';
import { createStaticKeySource, keyFingerprint, prepareKeys } from './keys.js';
import { prepareMapping, type MappingPlan } from './mapping-config.js';
import { checkKnownKeys, describeType, isPlainObject, Problems } from './problems.js';
import type { Community, CommunityConfig } from './types.js';

const MODES: readonly SignedIdentitiesMode[] = ['require', 'reject', 'accept'];
const OPTIONS = ['$schema', 'id', 'signedIdentities', 'jwtKeys', 'minTokenLifetime', 'clockTolerance', 'customFields', 'extraValueMapping'];
export const DEFAULT_MIN_TOKEN_LIFETIME = 3600;
/** SPEC §6 "Sharing": the community id, part of every session and conversation key. */
const COMMUNITY_ID = /^[a-z0-9_-]{1,64}$/;
export const DEFAULT_CLOCK_TOLERANCE = 10;
/** A larger leeway would keep expired tokens alive for minutes. */
export const MAX_CLOCK_TOLERANCE = 300;
/** One year: beyond that "minimum lifetime" stops meaning anything. */
export const MAX_MIN_TOKEN_LIFETIME = 365 * 24 * 3600;

/** What the verifier needs beyond the public Community; never reachable from outside this folder. */
export interface CommunityInternals {
  readonly plan: MappingPlan;
  /** Its keys, as fingerprints (keys.ts): two communities with the same keys have the same key set. */
  readonly keySet: string;
  /** False when `id` was left unset and is the default: then nothing says two such communities differ but their keys. */
  readonly idGiven: boolean;
}

const internals = new WeakMap<Community, CommunityInternals>();

/** The compiled internals of a community made by {@link defineCommunity}. */
export function communityInternals(community: Community): CommunityInternals {
  const found = internals.get(community);
  if (!found) {
    throw new IdentityError(
      'ERR_COMMUNITY_INVALID',
      'createVerifier() needs a community made by defineCommunity(config); a plain object is not validated.',
    );
  }
  return found;
}

function seconds(value: unknown, name: string, fallback: number, max: number, problems: Problems): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
    problems.add(name, `must be a number of seconds from 0 to ${max}, got ${typeof value === 'number' ? value : describeType(value)}.`);
    return fallback;
  }
  return value;
}

/**
 * Validates a community configuration (SPEC §3) and prepares everything the
 * verifier needs: keys imported once, regexes compiled, mappings resolved.
 * Synchronous. Throws one `IdentityError('ERR_COMMUNITY_INVALID')` whose
 * `problems` list every problem with its path, and whose message lists them
 * all. Never puts a secret or key text into a message.
 *
 * `signedIdentities: 'accept'` is allowed but deprecated and unsafe; a
 * `console.warn` says so once, here.
 */
export function defineCommunity(config: CommunityConfig): Community {
  const problems = new Problems();
  const input: Record<string, unknown> = isPlainObject(config) ? config : {};
  if (!isPlainObject(config)) problems.add('config', `must be an object, got ${describeType(config)}.`);
  checkKnownKeys(input, OPTIONS, '', problems);

  let id = 'default';
  if (input.id !== undefined) {
    if (typeof input.id === 'string' && COMMUNITY_ID.test(input.id)) id = input.id;
    else problems.add('id', `must be 1–64 characters a-z 0-9 _ - (it is part of every key in a shared store), got ${typeof input.id === 'string' ? JSON.stringify(input.id.slice(0, 70)) : describeType(input.id)}.`);
  }
  let mode: SignedIdentitiesMode = 'require';
  if (input.signedIdentities !== undefined) {
    if (MODES.includes(input.signedIdentities as SignedIdentitiesMode)) mode = input.signedIdentities as SignedIdentitiesMode;
    else problems.add('signedIdentities', `must be 'require', 'reject' or 'accept', got ${JSON.stringify(String(input.signedIdentities).slice(0, 40))}.`);
  }
  const keys = prepareKeys(input.jwtKeys, problems);
  const configuredKeys = Array.isArray(input.jwtKeys) ? input.jwtKeys.length : 0;
  if (mode !== 'reject' && configuredKeys === 0) {
    problems.add(
      'jwtKeys',
      `signedIdentities is '${mode}' but no key is configured: configure JWT keys or change the mode to reject JWT signed identities.`,
    );
  }
  const minTokenLifetime = seconds(input.minTokenLifetime, 'minTokenLifetime', DEFAULT_MIN_TOKEN_LIFETIME, MAX_MIN_TOKEN_LIFETIME, problems);
  const clockTolerance = seconds(input.clockTolerance, 'clockTolerance', DEFAULT_CLOCK_TOLERANCE, MAX_CLOCK_TOLERANCE, problems);
  const plan = prepareMapping(input.customFields, input.extraValueMapping, problems);
  problems.throwIfAny();

  if (mode === 'accept') {
    console.warn(
      "chatq: signedIdentities 'accept' is deprecated and unsafe: unsigned identity data can claim any uuid. " +
        "Use 'require' (sign identities with a JWT) or 'reject' (unsigned only).",
    );
  }
  const policy: IdentityPolicy = Object.freeze({ mode, minTokenLifetime, clockTolerance });
  const community: Community = Object.freeze({
    id,
    signedIdentities: mode,
    minTokenLifetime,
    clockTolerance,
    policy,
    keys: Object.freeze(keys.map((key) => Object.freeze(key.bits === undefined ? { id: key.id, alg: key.alg } : { id: key.id, alg: key.alg, bits: key.bits }))),
    keySource: createStaticKeySource(keys),
    customFields: plan.customFields,
    extraValueMapping: plan.mappings,
  });
  const keySet = keys.map(keyFingerprint).sort().join(',');
  internals.set(community, Object.freeze({ plan, keySet, idGiven: input.id !== undefined }));
  return community;
}
