/**
 * The agent side's types (SPEC §11), apart from agents/: the handler's context
 * and options name them, and agents/ takes the context, so neither folder
 * entry imports the other's.
 */
import type { AgentIdentity, AgentStatus, Presence } from '../../identity/index.js';
import type { BusEvent } from '../engine/types.js';

/** One agent of the `agents` option (SPEC §11). */
export interface AgentConfig extends AgentIdentity {
  /** Their bearer credential: 32–512 printable characters, unique (e.g. `openssl rand -base64 32`). */
  token: string;
}

/**
 * The integrator's own sign-in (a session cookie, SSO): the agent the request
 * is signed in as, or null. A throw is a 500 ERR_INTERNAL (logged), never a sign-in.
 */
export type AuthenticateAgent = (request: Request) => Promise<AgentIdentity | null>;

/** How agents sign in, resolved from the options: a token list, the integrator's function, or both. */
export interface AgentSetup {
  /** Token → agent. `agentToken` alone is one agent, `{ id: 'agent', name: 'Agent' }`. */
  readonly byToken: ReadonlyMap<string, AgentIdentity>;
  readonly authenticate: AuthenticateAgent | undefined;
  /** The configured agents, in option order (assignable; shown by `GET agent/v1/me`). */
  readonly listed: readonly AgentIdentity[];
  /** Shown to visitors beside the presence (SPEC §11), e.g. "Usually replies within an hour". */
  readonly replyTime: string | undefined;
}

/** Who is available, across instances (agents/presence.ts PresenceTracker): what the routes and the handler use. */
export interface AgentPresence {
  /** The bus subscription is live: what the others answer now reaches this instance. */
  subscribed(): Promise<void>;
  /** The ids available now, sorted. */
  readonly availableAgents: readonly string[];
  statusOf(agentId: string): AgentStatus;
  /** An agent stream opened here; returns its closing. */
  connect(agentId: string): () => void;
  /** Tells every instance (this one through the bus too). */
  setStatus(agentId: string, status: AgentStatus): void;
  /** An event from the bus; the others are not presence's. */
  handle(event: BusEvent): void;
  close(): void;
}

/** The agent side of a running handler (SPEC §11): how agents sign in, and who is available. */
export interface AgentAccess {
  readonly setup: AgentSetup;
  readonly presence: AgentPresence;
  /** The chat server's own origin (the `publicOrigin` option): the only Origin a state-changing agent route takes. */
  readonly publicOrigin: string | undefined;
  /** SHA-256 of each token with its agent, computed once: a sign-in hashes only what was presented. */
  readonly tokenHashes: Promise<readonly (readonly [string, AgentIdentity])[]>;
  /** What the visitor side may learn (SPEC §11): whether anyone is available, and the reply time. */
  visitorPresence(): Presence;
}
