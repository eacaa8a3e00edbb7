import type { IdentityVerifier, SignedIdentitiesMode } from '../../identity/index.js';
import type { BusEvent, RateLimiter } from '../engine/types.js';
import type { ConversationStore } from '../store/index.js';
import type { AgentAccess } from './agent-types.js';
import type { LiveHub } from './live/hub.js';
import type { HandlerLimits } from './options.js';

/** What every route gets: the resolved options, the engine's parts and this process's open streams. */
export interface HandlerContext {
  readonly verifier: IdentityVerifier;
  /** The community id (SPEC §6 "Sharing"): in every key this handler writes, and checked on every session. */
  readonly community: string;
  /** The verifier's mode when it publishes one: a session is honoured only where this mode would have issued it. */
  readonly mode: SignedIdentitiesMode | undefined;
  readonly store: ConversationStore;
  readonly limiter: RateLimiter;
  readonly limits: HandlerLimits;
  readonly now: () => number;
  readonly logger: { warn(message: string): void };
  /** This process's open streams; events reach it through the engine's bus. */
  readonly hub: LiveHub;
  /** Tells every instance (this one included) through the engine's bus; never fails the request (the store is the truth). */
  publish(event: Exclude<BusEvent, { type: 'resync' }>): void;
  /** The agent side (SPEC §11); undefined when no agent is configured (the agent API answers 404). */
  readonly agents: AgentAccess | undefined;
  /** Where the handler is mounted (`/chatq`, or '' at the root): the inbox cookie's path and the inbox page's URLs. */
  readonly basePath: string;
}

/** One request, as a route sees it. */
export interface Call {
  readonly request: Request;
  /** `request.url`, parsed once. */
  readonly url: URL;
  /** The path parameter of a route that has one (an agent route's conversation id), else ''. */
  readonly param: string;
  /** The client's per-address rate-limit key (IPv6: the /64 prefix, address-key.ts). */
  clientAddress(): string;
}
