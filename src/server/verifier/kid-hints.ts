/**
 * SPEC §9: what an ERR_JWT_KID_UNKNOWN message says about the kid a token
 * meant. Only for key sources over fixed keys (createStaticKeySource, the
 * community's own keys): they know their ids, which are not secret (every
 * token carries one). A JWKS or custom source is never asked for a list.
 */
import type { KeySource } from './types.js';

/** Named in a message at most; more would turn an error into a listing. */
const MAX_LISTED = 3;

interface KnownIds {
  readonly ids: readonly string[];
  /** Lower-cased id → id, built on the first unknown kid: the valid path never pays for it. */
  folded?: Map<string, string>;
}

const knownIds = new WeakMap<KeySource, KnownIds>();

/** Lets {@link unknownKidHint} name `source`'s ids. */
export function rememberKeyIds(source: KeySource, ids: readonly string[]): void {
  knownIds.set(source, { ids });
}

function listed(ids: readonly string[]): string {
  const names = ids.slice(0, MAX_LISTED).map((id) => JSON.stringify(id)).join(', ');
  return ids.length > MAX_LISTED ? `${names} and ${ids.length - MAX_LISTED} more` : names;
}

/**
 * What to change, for a `kid` that names no key of `source`: the configured id
 * it differs from only in case or surrounding whitespace, else (up to three
 * of) the configured ids. One map lookup: an unknown kid is an attack path too.
 */
export function unknownKidHint(source: KeySource, kid: string): string {
  const known = knownIds.get(source);
  const generic = "set kid to the id of one of the community's jwtKeys (tokens signed with a removed key stop verifying)";
  if (!known) return `${generic}.`;
  if (known.ids.length === 0) return 'no key is configured, so no token verifies: add the signing key to jwtKeys.';
  known.folded ??= new Map(known.ids.map((id) => [id.toLowerCase(), id]));
  const trimmed = kid.trim();
  const meant = known.folded.get(trimmed.toLowerCase());
  if (meant !== undefined && meant !== kid) {
    const reasons = [meant !== trimmed && 'key ids are case-sensitive', trimmed !== kid && 'the kid has whitespace around it'].filter(Boolean).join(' and ');
    return `${reasons}: did you mean ${JSON.stringify(meant)}? Set kid to ${JSON.stringify(meant)}.`;
  }
  return `${generic}; the configured ids are ${listed(known.ids)}.`;
}
