import type { Author, ChatMessage, PageChangeRequest, VerifiedIdentity } from '../../identity/index.js';

/**
 * A visitor session as the store keeps it. The credential itself is never
 * stored: `id` is the SHA-256 of it (base64url), so a leaked store dump holds
 * nothing a browser could present (SPEC §6 "Credentials off the URL").
 */
export interface SessionRecord {
  /** SHA-256 of the session credential, base64url. */
  id: string;
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
 * `browser:<automatedUuid>` — an unsigned uuid only labels the visitor.
 */
export interface ConversationRecord {
  id: string;
  key: string;
  /** The newest verified identity registered for this conversation. */
  identity: VerifiedIdentity;
  createdAt: number;
  updatedAt: number;
  lastPage?: PageChangeRequest;
  /** Seq of the newest message; 0 when empty. */
  lastSeq: number;
}

export interface NewMessage {
  author: Author;
  body: string;
  clientId?: string;
  createdAt: number;
}

/**
 * Where conversations and sessions live. Every method is async so a database
 * or a remote store can implement it; the in-memory default is
 * `createMemoryStore()`. Implementations must make `upsertConversation` and
 * `appendMessage` atomic per key / conversation (the handler relies on it for
 * idempotency and ordering).
 */
export interface ConversationStore {
  getSession(id: string): Promise<SessionRecord | undefined>;
  saveSession(record: SessionRecord): Promise<void>;
  deleteSession(id: string): Promise<void>;
  /** Records activity on a session without touching anything else (no lost update against a renewal). */
  touchSession(id: string, lastSeenAt: number, retainUntil: number): Promise<void>;
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  /** Finds the conversation for `key` (creating it when there is none) and records `identity` as its newest. */
  upsertConversation(key: string, identity: VerifiedIdentity, now: number): Promise<ConversationRecord>;
  /** Records the page the visitor is on. Returns undefined for an unknown conversation. */
  setLastPage(id: string, page: PageChangeRequest, now: number): Promise<ConversationRecord | undefined>;
  /**
   * Appends a message, giving it the next seq. When `clientId` is set and this
   * author already sent a message with it, returns that message with
   * `created: false` instead (a retry never duplicates). Undefined for an
   * unknown conversation.
   */
  appendMessage(conversationId: string, message: NewMessage): Promise<{ message: ChatMessage; created: boolean } | undefined>;
  /** Messages with `seq > afterSeq`, oldest first. */
  listMessages(conversationId: string, afterSeq?: number): Promise<ChatMessage[]>;
  /** Every conversation, newest activity first. */
  listConversations(): Promise<ConversationRecord[]>;
}
