import type { OutboxEntry, OutboxEventType } from '../store/outbox-types.js';

/** The events chatq sends (SPEC §12), in the Standard Webhooks `type` field. */
export const WEBHOOK_EVENT_TYPES = [
  'conversation.created',
  'message.created',
  'conversation.unanswered',
  'conversation.closed',
  'conversation.reopened',
] as const satisfies readonly (OutboxEventType | 'conversation.unanswered')[];

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** One receiver, as `createMessagingHandler({ webhooks: [...] })` takes it. */
export interface WebhookEndpointOptions {
  /** `https://` (or `http://` for a receiver on the same network). Redirects are not followed. */
  url: string;
  /**
   * The Standard Webhooks secret, `whsec_` + base64 of 24–64 random bytes
   * (`npx chatq webhook secret`). Several during a rotation: each delivery
   * carries one signature per secret, so the receiver may switch at any time.
   */
  secret: string | readonly string[];
  /** Only these events. Default: all five. */
  events?: readonly WebhookEventType[];
}

export type { OutboxEntry } from '../store/outbox-types.js';

/** An event on its way: an outbox entry, or a `conversation.unanswered` the sender raised itself. */
export type EventPointer = Omit<OutboxEntry, 'type'> & { type: WebhookEventType };

/** An event that failed and waits for its retry, or one queued behind it (same conversation: order holds). */
export interface ParkedEvent {
  entry: EventPointer;
  /** Attempts made so far (0 for one queued behind another). */
  attempts: number;
  /** First attempt (ms): after 24 h of failures the event is dropped and counted. */
  firstTriedAt: number;
  /** Not before this instant (ms). */
  nextAt: number;
}

/** An `unanswered` check: fires at `dueAt` unless an agent has replied after `seq` by then. */
export interface UnansweredCheck {
  conversationId: string;
  seq: number;
  dueAt: number;
}

/**
 * Where one endpoint stands, kept by the engine beside its outbox so a restart
 * (or another instance taking over the lease) carries on where this one left.
 */
export interface DeliveryState {
  /** Every entry up to here has been sent, parked or dropped. */
  cursor?: string;
  parked: ParkedEvent[];
  unanswered: UnansweredCheck[];
  /** Conversations already reported unanswered since their last agent reply (oldest first, bounded). */
  notified: string[];
  /** Set once the receiver answered `410 Gone`: nothing more is sent to it. */
  disabledAt?: number;
}

/**
 * The durable outbox an engine offers (SPEC §12): its store writes an entry in
 * the same step as each change, for the communities `enable` named. The
 * memory engine's lives in memory (a restart loses what was not delivered);
 * SQLite keeps a table in the same file, Redis a stream.
 */
export interface Outbox {
  /** Whether a restart keeps the outbox (false for the memory engine: the handler says so in its log). */
  readonly durable: boolean;
  /** From now on the store writes entries for this community. */
  enable(community: string): void;
  /** Entries after `cursor` (all from the oldest kept when absent), oldest first, at most `limit`. */
  readAfter(community: string, cursor: string | undefined, limit: number): Promise<OutboxEntry[]>;
  loadState(community: string, endpoint: string): Promise<DeliveryState | undefined>;
  saveState(community: string, endpoint: string, state: DeliveryState): Promise<void>;
  /**
   * Takes or renews the community's delivery lease for `ttlMs`: true when
   * `holder` has it. One instance sends at a time, so each event goes out once
   * across instances (at least once across a crash).
   */
  lease(community: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Forgets the entries up to and including `cursor` (every endpoint has passed them). */
  trim(community: string, cursor: string): Promise<void>;
}
