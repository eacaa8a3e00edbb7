import type { ChatMessage } from '../../../identity/index.js';
import { pageCursor, readPageCursor } from '../../store/cursor.js';
import { newConversationId } from '../../store/ids.js';
import type { ConversationRecord, ConversationStore, ListMessagesOptions, NewMessage } from '../../store/types.js';
import { isEngineError } from '../types.js';
import type { Database } from './database.js';
import type { SqliteValue } from './driver.js';
import type { SqliteRetention } from './options.js';
import { makeRoom, sweep } from './retention.js';
import { readConversation, readMessage, readSession } from './rows.js';

/** How often (ms of store time) idle conversations, expired sessions and full buckets are swept, at most. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * The SQLite engine's ConversationStore (SPEC §12). Every change is one
 * transaction, committed before the method returns: a 2xx built on it means
 * the change is in the file. The driver is synchronous, so each method runs
 * whole without interleaving — that is what makes `upsertConversation` and
 * `appendMessage` atomic per key and conversation.
 *
 * Time is the handler's clock, as in the memory store: the newest instant
 * given drives retention.
 */
export function createSqliteStore(db: Database, retention: SqliteRetention): ConversationStore {
  let clock = Number(db.statement('SELECT max(active_at) AS at FROM conversations').get()?.at ?? 0);
  let lastSweep = -Infinity;
  // A tenth of the idle time when that is shorter: a conversation outlives its idle time by 10 % at most.
  const sweepInterval = Math.min(SWEEP_INTERVAL_MS, retention.conversationIdleMs / 10);

  function advance(at: number): void {
    if (Number.isFinite(at) && at > clock) clock = at;
    if (clock - lastSweep < sweepInterval) return;
    lastSweep = clock;
    try {
      sweep(db, clock, clock - retention.conversationIdleMs);
    } catch {
      // A sweep that cannot write now is tried again at the next interval; the request goes on.
    }
  }

  /** Runs `work` in a transaction; at capacity, makes room once (never dropping `keep`) and tries again. */
  function withRoom<T>(work: () => T, keep?: string): T {
    try {
      return db.transaction(work);
    } catch (error) {
      if (!isEngineError(error) || error.code !== 'ERR_CAPACITY' || !makeRoom(db, clock, keep)) throw error;
      return db.transaction(work);
    }
  }

  /** Session use and registrations keep a conversation from going idle. */
  function markActive(conversationId: string, at: number): void {
    db.statement('UPDATE conversations SET active_at = max(active_at, ?) WHERE id = ?').run(at, conversationId);
  }

  function getConversation(id: string): ConversationRecord | undefined {
    return db.read(() => readConversation(db.statement('SELECT * FROM conversations WHERE id = ?').get(id)));
  }

  return {
    async getSession(id) {
      const record = db.read(() => readSession(db.statement('SELECT record FROM sessions WHERE id = ?').get(id)));
      // Past retainUntil it reads as gone even before a sweep deletes it.
      return record && record.retainUntil > clock ? record : undefined;
    },
    async saveSession(record) {
      advance(record.lastSeenAt);
      withRoom(() => {
        db.statement('INSERT OR REPLACE INTO sessions (id, conversation_id, retain_until, record) VALUES (?, ?, ?, ?)').run(
          record.id,
          record.conversationId,
          record.retainUntil,
          JSON.stringify(record),
        );
        markActive(record.conversationId, record.lastSeenAt);
      });
    },
    async deleteSession(id) {
      db.transaction(() => db.statement('DELETE FROM sessions WHERE id = ?').run(id));
    },
    async touchSession(id, lastSeenAt, retainUntil) {
      advance(lastSeenAt);
      db.transaction(() => {
        const record = readSession(db.statement('SELECT record FROM sessions WHERE id = ?').get(id));
        if (!record || record.retainUntil <= clock) return;
        const touched = { ...record, lastSeenAt, retainUntil: Math.max(record.retainUntil, retainUntil) };
        db.statement('UPDATE sessions SET retain_until = ?, record = ? WHERE id = ?').run(touched.retainUntil, JSON.stringify(touched), id);
        markActive(record.conversationId, lastSeenAt);
      });
    },
    async getConversation(id) {
      return getConversation(id);
    },
    async upsertConversation(community, key, identity, now) {
      advance(now);
      const json = JSON.stringify(identity);
      return withRoom(() => {
        const changed = db
          .statement('UPDATE conversations SET identity = ?, updated_at = ?, active_at = max(active_at, ?) WHERE community = ? AND key = ?')
          .run(json, now, now, community, key);
        if (Number(changed.changes) === 0) {
          db.statement('INSERT INTO conversations (id, community, key, identity, created_at, updated_at, active_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
            newConversationId(community),
            community,
            key,
            json,
            now,
            now,
            now,
          );
        }
        return readConversation(db.statement('SELECT * FROM conversations WHERE community = ? AND key = ?').get(community, key))!;
      });
    },
    async setLastPage(id, page, now) {
      advance(now);
      return db.transaction(() => {
        const changed = db.statement('UPDATE conversations SET last_page = ?, updated_at = ?, active_at = max(active_at, ?) WHERE id = ?').run(JSON.stringify(page), now, now, id);
        return Number(changed.changes) === 0 ? undefined : getConversation(id);
      });
    },
    async appendMessage(conversationId, input) {
      advance(input.createdAt);
      return withRoom(() => append(db, retention, conversationId, input), conversationId);
    },
    async listMessages(conversationId, options) {
      return db.read(() => listMessages(db, conversationId, options));
    },
    async listConversations({ community, limit, cursor }) {
      const after = readPageCursor(cursor);
      const rows = db.read(() => after
        ? db
            .statement('SELECT * FROM conversations WHERE community = ? AND (updated_at < ? OR (updated_at = ? AND id < ?)) ORDER BY updated_at DESC, id DESC LIMIT ?')
            .all(community, after.updatedAt, after.updatedAt, after.id, limit)
        : db.statement('SELECT * FROM conversations WHERE community = ? ORDER BY updated_at DESC, id DESC LIMIT ?').all(community, limit));
      const conversations = rows.map((row) => readConversation(row)!);
      const last = conversations.length === limit ? conversations[conversations.length - 1] : undefined;
      return { conversations, ...(last ? { cursor: pageCursor(last) } : {}) };
    },
  };
}

/**
 * One append, inside its transaction: a retry of a known (author, clientId)
 * returns the first message (rebuilt from its idempotency record and the
 * retry's body once it left the history); otherwise the next seq, the history
 * trimmed to maxMessagesPerConversation and the keys to maxClientIdsPerConversation.
 */
function append(db: Database, retention: SqliteRetention, conversationId: string, input: NewMessage): { message: ChatMessage; created: boolean } | undefined {
  const conversation = db.statement('SELECT last_seq, client_ids FROM conversations WHERE id = ?').get(conversationId);
  if (!conversation) return undefined;
  const { clientId } = input;
  if (clientId !== undefined) {
    const sent = db.statement('SELECT seq, id, created_at FROM client_ids WHERE conversation_id = ? AND author = ? AND client_id = ?').get(conversationId, input.author, clientId);
    if (sent) {
      const kept = db.statement('SELECT * FROM messages WHERE conversation_id = ? AND seq = ?').get(conversationId, sent.seq!);
      const message = kept ? readMessage(kept) : { id: String(sent.id), seq: Number(sent.seq), clientId, author: input.author, body: input.body, createdAt: Number(sent.created_at) };
      return { message, created: false };
    }
  }
  const seq = Number(conversation.last_seq) + 1;
  const message: ChatMessage = {
    id: crypto.randomUUID(),
    seq,
    ...(clientId === undefined ? {} : { clientId }),
    author: input.author,
    body: input.body,
    createdAt: input.createdAt,
  };
  db.statement('INSERT INTO messages (conversation_id, seq, id, author, client_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    conversationId,
    seq,
    message.id,
    message.author,
    clientId ?? null,
    message.body,
    message.createdAt,
  );
  if (seq > retention.maxMessagesPerConversation) {
    db.statement('DELETE FROM messages WHERE conversation_id = ? AND seq <= ?').run(conversationId, seq - retention.maxMessagesPerConversation);
  }
  let keys = Number(conversation.client_ids);
  if (clientId !== undefined) {
    db.statement('INSERT INTO client_ids (conversation_id, author, client_id, seq, id, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(conversationId, input.author, clientId, seq, message.id, message.createdAt);
    keys++;
    if (keys > retention.maxClientIdsPerConversation) {
      const over = keys - retention.maxClientIdsPerConversation;
      const oldestKept = db.statement('SELECT seq FROM client_ids WHERE conversation_id = ? ORDER BY seq LIMIT 1 OFFSET ?').get(conversationId, over);
      db.statement('DELETE FROM client_ids WHERE conversation_id = ? AND seq < ?').run(conversationId, oldestKept!.seq!);
      keys -= over;
    }
  }
  db.statement('UPDATE conversations SET last_seq = ?, client_ids = ?, updated_at = ?, active_at = max(active_at, ?) WHERE id = ?').run(seq, keys, input.createdAt, input.createdAt, conversationId);
  return { message, created: true };
}

/** Kept messages in seq order: past `limit`, the oldest after `afterSeq`, else the newest (as MessageLog.range). */
function listMessages(db: Database, conversationId: string, { afterSeq, beforeSeq, limit }: ListMessagesOptions = {}): ChatMessage[] {
  const where = ['conversation_id = ?'];
  const params: SqliteValue[] = [conversationId];
  if (afterSeq !== undefined) {
    where.push('seq > ?');
    params.push(Math.floor(afterSeq));
  }
  if (beforeSeq !== undefined && beforeSeq !== Infinity) {
    where.push('seq < ?');
    params.push(Math.ceil(beforeSeq));
  }
  const limited = limit !== undefined && Number.isFinite(limit);
  const newestFirst = limited && afterSeq === undefined;
  const sql = `SELECT * FROM messages WHERE ${where.join(' AND ')} ORDER BY seq ${newestFirst ? 'DESC' : 'ASC'}${limited ? ' LIMIT ?' : ''}`;
  if (limited) params.push(Math.max(0, Math.floor(limit)));
  const rows = db.statement(sql).all(...params).map(readMessage);
  return newestFirst ? rows.reverse() : rows;
}
