/**
 * Issue 16 LOW 1: two communities that leave `id` unset both get `default`,
 * the prefix of every session and conversation key, so on a shared store
 * tenant B read tenant A's messages. A handler refuses, when it is created, to
 * serve the default id on a store where a handler of a community with other
 * keys already serves it.
 *
 * Refused rather than a default id derived from the keys: a derived id
 * changes when a key is rotated or added, and every conversation and session
 * would then silently be left behind under the old id (nothing acknowledged
 * may be lost), and every existing deployment would lose its history on
 * upgrade. Handlers of one community (mount paths, instances with the same
 * keys) still share the default id; a community that names its id, or a
 * handler given the `communityId` option, is taken at its word (SPEC §6
 * "Sharing"). Only handlers in this process are seen: instances in other
 * processes on one Redis are the README's to warn about.
 */
import type { IdentityVerifier } from '../../identity/index.js';
import { MessagingConfigError } from '../errors.js';
import { objectNumber, sharingFacts } from '../verifier/sharing.js';

interface Claim {
  readonly keySet: string;
  handlers: number;
}

/** store → community id → who serves it; weak, so a dropped store takes its claims along. */
const claims = new WeakMap<object, Map<string, Claim>>();

const nothing = (): void => {};

/** True when the handler's community id is the default because nobody named one. */
function isDefaulted(option: unknown, verifier: IdentityVerifier): boolean {
  if (option !== undefined) return false;
  const facts = sharingFacts(verifier);
  return facts ? !facts.idGiven : (verifier.communityId ?? verifier.community) === undefined;
}

/**
 * Claims `id` on `store` for this handler's keys; returns the release, for
 * the handler's `close()`. Throws `MessagingConfigError` (ERR_HANDLER_CONFIG,
 * path `community`) when another community's handler holds the default id there.
 */
export function claimCommunity(store: object, id: string, option: unknown, verifier: IdentityVerifier): () => void {
  if (!isDefaulted(option, verifier)) return nothing;
  // A verifier of your own: its keys are unknown, so it is the same community only as the same verifier.
  const keySet = sharingFacts(verifier)?.keySet ?? `verifier #${objectNumber(verifier)}`;
  let byId = claims.get(store);
  if (!byId) claims.set(store, (byId = new Map()));
  const claim = byId.get(id);
  if (claim && claim.keySet !== keySet) {
    throw new MessagingConfigError(
      'communityId',
      `community: a community with other keys already uses the default id "${id}" on this store or engine, and the two would share every ` +
        "conversation and session (one tenant would read the other's messages). Give each community its own id: " +
        "defineCommunity({ id: 'acme_shop', ... }), or createMessagingHandler's communityId option.",
    );
  }
  if (claim) claim.handlers++;
  else byId.set(id, { keySet, handlers: 1 });
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const held = byId.get(id);
    if (held && --held.handlers === 0) byId.delete(id);
  };
}
