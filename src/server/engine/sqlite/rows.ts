import type { AgentIdentity, Author, ChatMessage, PageChangeRequest, VerifiedIdentity } from '../../../identity/index.js';
import type { ConversationRecord, ConversationState, SessionRecord } from '../../store/types.js';
import type { SqliteRow } from './driver.js';

/** A conversations row → the record, a fresh copy each time (a caller cannot change what is stored). */
export function readConversation(row: SqliteRow | undefined): ConversationRecord | undefined {
  if (!row) return undefined;
  return {
    id: String(row.id),
    community: String(row.community),
    key: String(row.key),
    identity: JSON.parse(String(row.identity)) as VerifiedIdentity,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    ...(row.last_page === null || row.last_page === undefined ? {} : { lastPage: JSON.parse(String(row.last_page)) as PageChangeRequest }),
    lastSeq: Number(row.last_seq),
    epoch: String(row.epoch),
    ...(row.state === null || row.state === undefined ? {} : { state: JSON.parse(String(row.state)) as ConversationState }),
  };
}

/** A messages row → the message, in the memory engine's field order. */
export function readMessage(row: SqliteRow): ChatMessage {
  return {
    id: String(row.id),
    seq: Number(row.seq),
    ...(row.client_id === null ? {} : { clientId: String(row.client_id) }),
    author: String(row.author) as Author,
    ...(row.agent === null || row.agent === undefined ? {} : { agent: JSON.parse(String(row.agent)) as AgentIdentity }),
    body: String(row.body),
    createdAt: Number(row.created_at),
  };
}

export function readSession(row: SqliteRow | undefined): SessionRecord | undefined {
  return row ? (JSON.parse(String(row.record)) as SessionRecord) : undefined;
}
