import type { AgentConversationSummary, AgentIdentity, Author, ChatMessage, ConversationStatus, PageChangeRequest, VerifiedIdentity } from '../../identity/index.js';

/**
 * A visitor session as the store keeps it. The credential itself is never
 * stored: `id` is the SHA-256 of it (base64url), so a leaked store dump holds
 * nothing a browser could present (SPEC §6 "Credentials off the URL").
 */
export interface SessionRecord {
  /** SHA-256 of the session credential, base64url. */
  id: string;
  /** The community that issued it (SPEC §6 "Sharing"): no other community's handler honours it. */
  community: string;
  conversationId: string;
  /** `signed:<uuid>` or `browser:<automatedUuid>` (see ConversationRecord.key). */
  conversationKey: string;
  signed: boolean;
  createdAt: number;
  /** Last authenticated request or stream heartbeat (ms): drives the idle expiry of unsigned sessions. */
  lastSeenAt: number;
  /** Hard expiry in ms since the epoch: the JWT's `exp`. Absent for unsigned sessions (idle expiry only). */
  expiresAt?: number;
  /** The store may forget the record after this instant (ms). Until then an expired session can be renewed. */
  retainUntil: number;
}

/**
 * One visitor's conversation. `key` is what proves ownership (SPEC §6 "Who may
 * read a conversation"): `signed:<uuid>` for a verified JWT uuid, otherwise
 * `browser:<automatedUuid>` — an unsigned uuid only labels the visitor. Keys
 * are unique within a community; the same key in two communities is two
 * conversations.
 */
export interface ConversationRecord {
  id: string;
  community: string;
  key: string;
  /** The newest verified identity registered for this conversation. */
  identity: VerifiedIdentity;
  createdAt: number;
  /** The newest activity an agent cares about (registration, message, page change): the agent list's order. */
  updatedAt: number;
  lastPage?: PageChangeRequest;
  /** Seq of the newest message; 0 when empty. */
  lastSeq: number;
  /**
   * The log's epoch (centrifuge's): 1–32 characters `[A-Za-z0-9_-]`. A seq is
   * never reused within an epoch. A store that may lose the tail of a log
   * (Redis after a restart or failover) gives the log a new epoch before its
   * next append; streams that see it change start over (`reset`, then the
   * whole log). A store that cannot lose acknowledged writes keeps the epoch
   * it gave at creation.
   */
  epoch: string;
  /** SPEC §11 state; absent reads as DEFAULT_CONVERSATION_STATE (a record written before it existed). */
  state?: ConversationState;
}

/**
 * A conversation's state (SPEC §11), kept on its record and expiring with it.
 * Read positions only move forward; `unread` counts the visitor messages
 * after `agentReadSeq`.
 */
export type ConversationState = Pick<AgentConversationSummary, 'status' | 'assignee' | 'email' | 'visitorReadSeq' | 'agentReadSeq' | 'unread'>;

export const DEFAULT_CONVERSATION_STATE: Readonly<ConversationState> = Object.freeze({ status: 'open', visitorReadSeq: 0, agentReadSeq: 0, unread: 0 });

/**
 * One change to a conversation's state (`updateState`). Omitted fields stay;
 * `assignee: null` unassigns; a read seq lower than the stored one (or past
 * `lastSeq`: clamped to it) never moves the position back.
 */
export interface ConversationStateChange {
  status?: ConversationStatus;
  assignee?: string | null;
  email?: string;
  visitorReadSeq?: number;
  /** Also recounts `unread`: the visitor messages after the new position. */
  agentReadSeq?: number;
}

export interface NewMessage {
  author: Author;
  /** On agent messages (SPEC §11): stored with the message and returned with it everywhere. */
  agent?: AgentIdentity;
  body: string;
  clientId?: string;
  createdAt: number;
}

/** A page of the agent list: `cursor` continues after the last record; absent at the end. */
export interface ConversationPage {
  conversations: ConversationRecord[];
  cursor?: string;
}

export interface ListConversationsOptions {
  community: string;
  /** At most this many (the handler passes 1–200). */
  limit: number;
  /** From a previous page's `cursor`: only what comes after it. An unknown or malformed cursor starts over. */
  cursor?: string;
}

export interface ListMessagesOptions {
  /** Only messages with `seq > afterSeq`, oldest first. */
  afterSeq?: number;
  /** Only messages with `seq < beforeSeq` (the newest of them when `limit` cuts), oldest first. */
  beforeSeq?: number;
  /** At most this many. Default: everything kept. */
  limit?: number;
}

/**
 * Where conversations and sessions live (SPEC §6, §8). Every method is async
 * so a database or a remote store can implement it; an engine supplies one
 * (the memory engine's is `createMemoryStore()`).
 *
 * Implementations must make `upsertConversation` and `appendMessage` atomic
 * per key / conversation (the handler relies on it for idempotency and
 * ordering), and may throw an `EngineError` (`ERR_UNAVAILABLE` when their
 * backend is down, `ERR_CAPACITY` when full): the handler answers 503.
 */
export interface ConversationStore {
  getSession(id: string): Promise<SessionRecord | undefined>;
  /**
   * Creates or replaces a session. A conversation holds at most the store's
   * `maxSessionsPerConversation` sessions: past it, the least recently seen
   * of its other sessions end (read as gone).
   */
  saveSession(record: SessionRecord): Promise<void>;
  deleteSession(id: string): Promise<void>;
  /** Records activity on a session without touching anything else (no lost update against a renewal). */
  touchSession(id: string, lastSeenAt: number, retainUntil: number): Promise<void>;
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  /**
   * Finds the community's conversation for `key` (creating it when there is
   * none) and records `identity` as its newest. A store that is full refuses a
   * new conversation with `ERR_CAPACITY` rather than dropping one whose
   * visitor is there (SPEC §6 "Bounds").
   *
   * `owner` is the address key of the client that registers (IPv4, or an
   * IPv6 /64: handler/address-key.ts); absent when unknown. A new
   * conversation is charged to it: one owner holds at most the store's
   * per-address quota of live conversations (`ERR_CAPACITY` past it), and
   * when the store is full the idle conversations of the owners holding the
   * most go first. A conversation nobody wrote in lives only the session idle
   * time; its first message gives it the full idle time.
   */
  upsertConversation(community: string, key: string, identity: VerifiedIdentity, now: number, owner?: string): Promise<ConversationRecord>;
  /** Records the page the visitor is on. Returns undefined for an unknown conversation. */
  setLastPage(id: string, page: PageChangeRequest, now: number): Promise<ConversationRecord | undefined>;
  /**
   * Appends a message, giving it the next seq. When `clientId` is set and this
   * author already sent a message with it — even one no longer in the kept
   * history — returns that message with `created: false` instead (a retry
   * never duplicates). Undefined for an unknown conversation.
   *
   * An engine's store also announces what it appends (issue 21 item 4, like
   * centrifuge's Broker.Publish): a new message is published on the engine's
   * bus as a `message` event, a visitor's after `noteVisitorMessage` counted
   * it, in the same step (the Redis engine: in the append's own script), so
   * no caller pairs an append with a publish. A store of your own needs not:
   * the memory engine wraps it so (engine/announce.ts).
   */
  appendMessage(conversationId: string, message: NewMessage): Promise<{ message: ChatMessage; created: boolean } | undefined>;
  /** Kept messages in seq order, narrowed by `options`. */
  listMessages(conversationId: string, options?: ListMessagesOptions): Promise<ChatMessage[]>;
  /** One community's conversations, newest `updatedAt` first, a page at a time. */
  listConversations(options: ListConversationsOptions): Promise<ConversationPage>;

  // SPEC §11 conversation state (issue 19). Both atomic per conversation; neither changes `updatedAt`.

  /**
   * Applies `change` to the conversation's state (ConversationStateChange
   * says how each field merges). Returns the record, undefined for an
   * unknown conversation.
   */
  updateState(conversationId: string, change: ConversationStateChange): Promise<ConversationRecord | undefined>;
  /**
   * Called after a visitor message with `seq` was appended (created, not a
   * retry): counts it as unread when `seq > agentReadSeq`, and reopens a
   * closed conversation. Returns the record, undefined for an unknown conversation.
   * The engines call it as part of the append (engine/announce.ts; the Redis
   * store does the same inside its append script): no route calls it.
   */
  noteVisitorMessage(conversationId: string, seq: number): Promise<ConversationRecord | undefined>;
}
