import type { IdentityVerifier } from '../../identity/index.js';
import type { ConversationStore } from '../store/index.js';
import type { LiveHub } from './live/hub.js';
import type { HandlerLimits } from './options.js';
import type { RateLimiter } from './rate-limit.js';

/** What every route gets: the resolved options and the shared live state. */
export interface HandlerContext {
  readonly verifier: IdentityVerifier;
  readonly store: ConversationStore;
  readonly limits: HandlerLimits;
  readonly now: () => number;
  readonly logger: { warn(message: string): void };
  readonly hub: LiveHub;
  readonly limiter: RateLimiter;
  readonly agentToken: string | undefined;
  /** The per-address rate-limit key (IPv6: the /64 prefix, address-key.ts). */
  clientAddress(request: Request): string;
}
