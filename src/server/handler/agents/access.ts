import type { AgentIdentity, Presence } from '../../../identity/index.js';
import type { BusEvent } from '../../engine/types.js';
import { sha256Base64url } from '../crypto.js';
import type { LiveHub } from '../live/hub.js';
import type { AgentAccess, AgentSetup } from '../agent-types.js';
import { PresenceTracker } from './presence.js';

export type { AgentAccess } from '../agent-types.js';

export function createAgentAccess(
  setup: AgentSetup,
  options: { publicOrigin: string | undefined; hub: LiveHub; intervalMs: number; publish: (event: Exclude<BusEvent, { type: 'resync' }>) => unknown },
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
