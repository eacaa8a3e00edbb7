import type { AgentIdentity, AgentStatus, ChatMessage } from '../../identity/index.js';
import type { ConversationStore } from '../store/types.js';
import type { Outbox } from '../webhooks/types.js';

/**
 * Where a handler's state lives and how instances reach each other (SPEC §8):
 * the conversation store, the live bus and the rate-limit counters, as one
 * object. The memory engine (`createMemoryEngine`, the default) keeps them in
 * this process; the Redis engine (`chatq/redis`) shares them between any
 * number of instances. No route knows which engine it runs on.
 */
export interface Engine {
  readonly store: ConversationStore;
  readonly bus: LiveBus;
  readonly limiter: RateLimiter;
  /**
   * The durable outbox of SPEC §12 webhooks: the store writes an entry in the
   * same step as each change, for the communities that have receivers. An
   * engine without one cannot serve `webhooks` (refused at start-up).
   */
  readonly outbox?: Outbox;
  /** Releases connections and timers. The handler's `close()` does not call it: an engine may serve several handlers. */
  close(): Promise<void>;
}

/**
 * What one instance tells every instance (itself included) through the bus.
 * The store is the truth: an event only says "look again", so a lost event
 * delays a delivery (streams re-read the log on every heartbeat and after a
 * `resync`), it never loses one.
 */
export type BusEvent =
  /** A message was appended: visitor streams of the conversation read the log, agent streams show it. */
  | { type: 'message'; conversationId: string; message: ChatMessage }
  /** Identity or page changed: agent streams refresh the summary. */
  | { type: 'conversation'; conversationId: string }
  /** A session was revoked (logout, user switch): its open streams (of its conversation) end wherever they are. */
  | { type: 'session_ended'; conversationId: string; sessionId: string }
  // SPEC §11 (issue 19): ephemeral agent-side events. Both engines carry them as they carry the others
  // (the memory bus hands the object over, the Redis bus JSON over pub/sub); none is stored.
  /** Someone is typing in a conversation: to the agent streams, and an agent's to the visitor's streams. */
  | { type: 'typing'; conversationId: string; author: 'visitor' | 'agent'; agent?: AgentIdentity }
  /** A read position moved (the store has it): agent streams refresh the summary, an agent's read reaches the visitor. */
  | { type: 'read'; conversationId: string; author: 'visitor' | 'agent'; seq: number }
  /**
   * An instance's available agents (online, with a stream open on it), sent on
   * every change and every heartbeat; valid for `ttlMs`, so an instance that
   * died stops counting once its last announcement lapses.
   */
  | { type: 'presence'; instance: string; agents: string[]; ttlMs: number }
  /** A new (or reconnected) instance asks every other to announce its presence now. */
  | { type: 'presence_query'; instance: string }
  /** An agent set their status (online / away): every instance holding a stream of theirs recounts. */
  | { type: 'agent_status'; agentId: string; status: AgentStatus }
  /**
   * Delivery may have had a gap (the bus reconnected): every stream re-reads
   * what it may have missed. Emitted by the bus itself, never published.
   */
  | { type: 'resync' };

/**
 * Who hears an event (issue 22 item 3: fan-out that grows with instances).
 * `{ conversationId }`: the visitor streams of one conversation, so an
 * instance holding none of its streams spends nothing on it. `'agents'`: the
 * agent streams, which see every conversation of their community.
 * `'community'`: every instance (presence). `topicsOf` says which topics an
 * event goes to.
 */
export type BusTopic = { readonly conversationId: string } | 'agents' | 'community';

/** What `subscribe` returns: call it to stop listening. */
export interface BusSubscription {
  (): void;
  /**
   * Resolves once events published from now on reach the listener (a remote
   * subscription takes a round trip). Whatever was published before is in the
   * store: read it after `ready` (a stream's catch-up by seq) and nothing is
   * missed. Never rejects: while the backend is down it resolves at once, and
   * the listener gets `resync` when the subscription is back.
   */
  readonly ready: Promise<void>;
}

/** Fan-out of events to the instances that listen for them (SPEC §8 "Live delivery rides pub/sub"). */
export interface LiveBus {
  /**
   * Delivers `event` to the listeners of its topics (`topicsOf`) on every
   * instance, this one included. Resolves once it is handed on (not once
   * delivered); rejects with an {@link EngineError} when the bus is
   * unreachable. A new message is not published here: the engine's store
   * announces it in the same step as the append (`ConversationStore.appendMessage`).
   */
  publish(community: string, event: Exclude<BusEvent, { type: 'resync' }>): Promise<void>;
  /**
   * Listens to one topic of one community (default `'community'`), and to
   * `resync` when delivery may have had a gap. A listener hears an event once
   * per topic it subscribed to.
   */
  subscribe(community: string, listener: BusListener, topic?: BusTopic): BusSubscription;
}

/**
 * Hears one event. `epoch`, for a `message` when the engine knows it (Redis:
 * the append script publishes it), is the log's epoch at that append: a
 * stream that has delivered up to `message.seq - 1` of that very epoch can
 * send the message as it is, without reading the log again (issue 22 "End to
 * end"). Without it, streams read the log.
 */
export type BusListener = (event: BusEvent, epoch?: string) => void;

/**
 * Token buckets (SPEC §6 "Abuse limits"), shared by every instance of an
 * engine: each key holds up to `perMinute` tokens and regains `perMinute` per
 * minute, so a burst of one minute's worth passes and a steady flood is cut
 * to the configured rate.
 */
export interface RateLimiter {
  /**
   * Takes one token from `key`'s bucket at `now` (ms, the handler's clock):
   * 0 when allowed, else the whole seconds to wait (≥ 1). A bucket's time
   * never moves backwards, so callers whose clocks disagree share one budget;
   * an engine shared by several instances may use one clock of its own
   * instead of `now` (the Redis engine uses the server's `TIME`).
   */
  take(key: string, perMinute: number, now: number): number | Promise<number>;
}

// The engine's error lives in ../errors.ts, which store/ imports too (no store/ ↔ engine/ loop).
export { EngineError, isEngineError } from '../errors.js';
export type { EngineErrorCode } from '../errors.js';
