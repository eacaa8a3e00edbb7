import type { AgentIdentity, Presence } from '../../../identity/index.js';
import type { BusEvent } from '../../engine/types.js';
import { sha256Base64url } from '../crypto.js';
import type { LiveHub } from '../live/hub.js';
import type { AgentSetup } from './config.js';
import { PresenceTracker } from './presence.js';

/** The agent side of a running handler (SPEC §11): how agents sign in, and who is available. */
export interface AgentAccess {
  readonly setup: AgentSetup;
  readonly presence: PresenceTracker;
  /** The chat server's own origin (the `publicOrigin` option): the only Origin a state-changing agent route takes. */
  readonly publicOrigin: string | undefined;
  /** SHA-256 of each token with its agent, computed once: a sign-in hashes only what was presented. */
  readonly tokenHashes: Promise<readonly (readonly [string, AgentIdentity])[]>;
  /** What the visitor side may learn (SPEC §11): whether anyone is available, and the reply time. */
  visitorPresence(): Presence;
}

export function createAgentAccess(
  setup: AgentSetup,
  options: { publicOrigin: string | undefined; hub: LiveHub; intervalMs: number; publish: (event: Exclude<BusEvent, { type: 'resync' }>) => void },
): AgentAccess {
  const { hub } = options;
  let wasAvailable = false;
  const access: AgentAccess = {
    setup,
    publicOrigin: options.publicOrigin,
    tokenHashes: Promise.all([...setup.byToken].map(async ([token, agent]) => [await sha256Base64url(token), agent] as const)),
    presence: new PresenceTracker(crypto.randomUUID(), options.publish, options.intervalMs, (available) => {
      hub.notifyAgents({ type: 'presence', available: [...available] });
      if (available.length > 0 === wasAvailable) return;
      wasAvailable = available.length > 0;
      hub.notifyVisitors({ type: 'presence', ...access.visitorPresence() });
    }),
    visitorPresence() {
      const available = access.presence.availableAgents.length > 0;
      return { available, ...(setup.replyTime === undefined ? {} : { replyTime: setup.replyTime }) };
    },
  };
  return access;
}
