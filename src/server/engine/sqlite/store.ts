import type { ChatMessage } from '../../../identity/index.js';
import { pageCursor, readPageCursor } from '../../store/cursor.js';
import { newConversationId, newEpoch } from '../../store/ids.js';
import { applyStateChange, noteVisitorMessage } from '../../store/state.js';
import type { ConversationRecord, ConversationState, ConversationStore, ListMessagesOptions, NewMessage } from '../../store/types.js';
import { isFileFull, type Database } from './database.js';
import type { SqliteValue } from './driver.js';
import type { SqliteRetention } from './options.js';
import { capSessions, makeRoom, makeRoomFor, sweep } from './retention.js';
import { readConversation, readMessage, readSession } from './rows.js';

/** How often (ms of store time) idle conversations, expired sessions and full buckets are swept, at most. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * The SQLite engine's ConversationStore (SPEC §12). Every change runs whole
 * in one synchronous step (the driver is synchronous: nothing interleaves,
 * which makes `upsertConversation` and `appendMessage` atomic per key and
 * conversation), and the method resolves only once the transaction holding
 * it is committed: a 2xx built on it means the change is in the file.
 *
 * Time is the handler's clock, as in the memory store: the newest instant
 * given drives retention.
 */
export function createSqliteStore(db: Database, retention: SqliteRetention): ConversationStore {
  let clock = Number(db.statement('SELECT max(active_at) AS at FROM conversations').get()?.at ?? 0);
  let lastSweep = -Infinity;
  // A tenth of the idle time when that is shorter: a conversation outlives its idle time by 10 % at most.
  const sweepInterval = Math.min(SWEEP_INTERVAL_MS, retention.conversationIdleMs / 10, retention.emptyConversationIdleMs / 10);

  /** Moves time forward to `at` (the handler's clock) and sweeps at most once per interval, before the request's own work. */
  async function advance(at: number): Promise<void> {
    if (Number.isFinite(at) && at > clock) clock = at;
    if (clock - lastSweep < sweepInterval) return;
    lastSweep = clock;
    // A sweep that cannot write now is tried again at the next interval; the request goes on.
    await sweep(db, clock, retention).catch(() => {});
  }

  /** Writes `work`; at capacity, makes room once (never dropping `keep`) and tries again. */
  async function withRoom<T>(work: () => T, keep?: string): Promise<T> {
    try {
      return await db.write(work);
    } catch (error) {
      if (!isFileFull(error) || !(await makeRoom(db, clock, retention, keep))) throw error;
      return db.write(work);
    }
  }

  /** Session use and registrations keep a conversation from going idle. */
  function markActive(conversationId: string, at: number): void {
    db.statement('UPDATE conversations SET active_at = max(active_at, ?) WHERE id = ?').run(at, conversationId);
  }

  function getConversation(id: string): ConversationRecord | undefined {
    return readConversation(db.statement('SELECT * FROM conversations WHERE id = ?').get(id));
  }

  return {
    async getSession(id) {
      const record = await db.read(() => readSession(db.statement('SELECT record FROM sessions WHERE id = ?').get(id)));
      // Past retainUntil it reads as gone even before a sweep deletes it.
      return record && record.retainUntil > clock ? record : undefined;
    },
    async saveSession(record) {
      await advance(record.lastSeenAt);
      await withRoom(() => {
        db.statement('INSERT OR REPLACE INTO sessions (id, conversation_id, retain_until, last_seen_at, record) VALUES (?, ?, ?, ?, ?)').run(
          record.id,
          record.conversationId,
          record.retainUntil,
          record.lastSeenAt,
          JSON.stringify(record),
        );
        capSessions(db, record.conversationId, record.id, retention.maxSessionsPerConversation);
        markActive(record.conversationId, record.lastSeenAt);
      });
    },
    async deleteSession(id) {
      await db.write(() => db.statement('DELETE FROM sessions WHERE id = ?').run(id));
    },
    async touchSession(id, lastSeenAt, retainUntil) {
      await advance(lastSeenAt);
      await db.write(() => {
        const record = readSession(db.statement('SELECT record FROM sessions WHERE id = ?').get(id));
        if (!record || record.retainUntil <= clock) return;
        const touched = { ...record, lastSeenAt, retainUntil: Math.max(record.retainUntil, retainUntil) };
        db.statement('UPDATE sessions SET retain_until = ?, last_seen_at = ?, record = ? WHERE id = ?').run(touched.retainUntil, lastSeenAt, JSON.stringify(touched), id);
        markActive(record.conversationId, lastSeenAt);
      });
    },
    async getConversation(id) {
      return db.read(() => getConversation(id));
    },
    async upsertConversation(community, key, identity, now, owner = '') {
      await advance(now);
      const json = JSON.stringify(identity);
      return withRoom(() => {
        const updated = db
          .statement('UPDATE conversations SET identity = ?, updated_at = ?, active_at = max(active_at, ?) WHERE community = ? AND key = ? RETURNING *')
          .get(json, now, now, community, key);
        if (updated) return readConversation(updated)!;
        makeRoomFor(db, owner, now, retention);
        const row = db
          .statement('INSERT INTO conversations (id, community, key, identity, created_at, updated_at, active_at, epoch, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *')
          .get(newConversationId(community), community, key, json, now, now, now, newEpoch(), owner);
        return readConversation(row)!;
      });
    },
    async setLastPage(id, page, now) {
      await advance(now);
      return db.write(() => {
        const row = db.statement('UPDATE conversations SET last_page = ?, updated_at = ?, active_at = max(active_at, ?) WHERE id = ? RETURNING *').get(JSON.stringify(page), now, now, id);
        return readConversation(row);
      });
    },
    async appendMessage(conversationId, input) {
      await advance(input.createdAt);
      return withRoom(() => append(db, retention, conversationId, input), conversationId);
    },
    async listMessages(conversationId, options) {
      return db.read(() => listMessages(db, retention, conversationId, options));
    },
    async listConversations({ community, limit, cursor }) {
      const after = readPageCursor(cursor);
      const rows = await db.read(() => after
        ? db
            .statement('SELECT * FROM conversations WHERE community = ? AND (updated_at < ? OR (updated_at = ? AND id < ?)) ORDER BY updated_at DESC, id DESC LIMIT ?')
            .all(community, after.updatedAt, after.updatedAt, after.id, limit)
        : db.statement('SELECT * FROM conversations WHERE community = ? ORDER BY updated_at DESC, id DESC LIMIT ?').all(community, limit));
      const conversations = rows.map((row) => readConversation(row)!);
      const last = conversations.length === limit ? conversations[conversations.length - 1] : undefined;
      return { conversations, ...(last ? { cursor: pageCursor(last) } : {}) };
    },
    async updateState(conversationId, change) {
      return db.write(() => {
        const record = getConversation(conversationId);
        if (!record) return undefined;
        const floor = record.lastSeq - retention.maxMessagesPerConversation;
        const visitorMessagesAfter = (seq: number): number =>
          Number(db.statement("SELECT count(*) AS n FROM messages WHERE conversation_id = ? AND seq > ? AND author = 'visitor'").get(conversationId, Math.max(seq, floor))?.n ?? 0);
        return saveState(record, applyStateChange(record.state, change, record.lastSeq, visitorMessagesAfter));
      });
    },
    async noteVisitorMessage(conversationId, seq) {
      return db.write(() => {
        const record = getConversation(conversationId);
        return record && saveState(record, noteVisitorMessage(record.state, seq));
      });
    },
  };

  /** The state written; `updatedAt` is not touched (SPEC §11: state changes do not reorder the agent list). */
  function saveState(record: ConversationRecord, state: ConversationState): ConversationRecord {
    db.statement('UPDATE conversations SET state = ? WHERE id = ?').run(JSON.stringify(state), record.id);
    return { ...record, state };
  }
}

/** Rows beyond a bound before a bulk trim: a tenth of it, so a trim runs once per that many messages. */
const slack = (bound: number): number => Math.max(1, Math.floor(bound / 10));

/**
 * One append, inside its transaction: a retry of a known (author, clientId)
 * returns the first message (rebuilt from its idempotency record and the
 * retry's body once it left the history); otherwise the next seq. The
 * history shows the newest maxMessagesPerConversation at once; older rows
 * and idempotency keys past maxClientIdsPerConversation are deleted in bulk
 * (a tenth of the bound at a time), which keeps a message to four b-tree
 * writes.
 */
function append(db: Database, retention: SqliteRetention, conversationId: string, input: NewMessage): { message: ChatMessage; created: boolean } | undefined {
  const conversation = db.statement('SELECT last_seq, trimmed_seq, client_ids FROM conversations WHERE id = ?').get(conversationId);
  if (!conversation) return undefined;
  const lastSeq = Number(conversation.last_seq);
  const { clientId } = input;
  if (clientId !== undefined) {
    const sent = db.statement('SELECT seq, id, created_at FROM client_ids WHERE conversation_id = ? AND author = ? AND client_id = ?').get(conversationId, input.author, clientId);
    if (sent) {
      const seq = Number(sent.seq);
      const kept = seq > lastSeq - retention.maxMessagesPerConversation ? db.statement('SELECT * FROM messages WHERE conversation_id = ? AND seq = ?').get(conversationId, seq) : undefined;
      const message = kept
        ? readMessage(kept)
        : { id: String(sent.id), seq, clientId, author: input.author, ...(input.agent ? { agent: input.agent } : {}), body: input.body, createdAt: Number(sent.created_at) };
      return { message, created: false };
    }
  }
  const seq = lastSeq + 1;
  const message: ChatMessage = {
    id: crypto.randomUUID(),
    seq,
    ...(clientId === undefined ? {} : { clientId }),
    author: input.author,
    ...(input.agent ? { agent: input.agent } : {}),
    body: input.body,
    createdAt: input.createdAt,
  };
  db.statement('INSERT INTO messages (conversation_id, seq, id, author, client_id, agent, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    conversationId,
    seq,
    message.id,
    message.author,
    clientId ?? null,
    message.agent ? JSON.stringify(message.agent) : null,
    message.body,
    message.createdAt,
  );
  let trimmedSeq = Number(conversation.trimmed_seq);
  const max = retention.maxMessagesPerConversation;
  if (seq - trimmedSeq > max + slack(max)) {
    trimmedSeq = seq - max;
    db.statement('DELETE FROM messages WHERE conversation_id = ? AND seq <= ?').run(conversationId, trimmedSeq);
  }
  let keys = Number(conversation.client_ids);
  if (clientId !== undefined) {
    db.statement('INSERT INTO client_ids (conversation_id, author, client_id, seq, id, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(conversationId, input.author, clientId, seq, message.id, message.createdAt);
    keys++;
    const maxKeys = retention.maxClientIdsPerConversation;
    if (keys > maxKeys + slack(maxKeys)) {
      const oldestKept = db.statement('SELECT seq FROM client_ids WHERE conversation_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?').get(conversationId, maxKeys - 1);
      db.statement('DELETE FROM client_ids WHERE conversation_id = ? AND seq < ?').run(conversationId, oldestKept!.seq!);
      keys = maxKeys;
    }
  }
  db.statement('UPDATE conversations SET last_seq = ?, trimmed_seq = ?, client_ids = ?, updated_at = ?, active_at = max(active_at, ?) WHERE id = ?').run(
    seq,
    trimmedSeq,
    keys,
    input.createdAt,
    input.createdAt,
    conversationId,
  );
  return { message, created: true };
}

/** The newest maxMessagesPerConversation in seq order: past `limit`, the oldest after `afterSeq`, else the newest (as MessageLog.range). */
function listMessages(db: Database, retention: SqliteRetention, conversationId: string, { afterSeq, beforeSeq, limit }: ListMessagesOptions = {}): ChatMessage[] {
  const conversation = db.statement('SELECT last_seq FROM conversations WHERE id = ?').get(conversationId);
  if (!conversation) return [];
  const floor = Math.max(Number(conversation.last_seq) - retention.maxMessagesPerConversation, afterSeq === undefined ? 0 : Math.floor(afterSeq));
  const params: SqliteValue[] = [conversationId, floor];
  let where = 'conversation_id = ? AND seq > ?';
  if (beforeSeq !== undefined && beforeSeq !== Infinity) {
    where += ' AND seq < ?';
    params.push(Math.ceil(beforeSeq));
  }
  const limited = limit !== undefined && Number.isFinite(limit);
  const newestFirst = limited && afterSeq === undefined;
  const sql = `SELECT * FROM messages WHERE ${where} ORDER BY seq ${newestFirst ? 'DESC' : 'ASC'}${limited ? ' LIMIT ?' : ''}`;
  if (limited) params.push(Math.max(0, Math.floor(limit)));
  const rows = db.statement(sql).all(...params).map(readMessage);
  return newestFirst ? rows.reverse() : rows;
}
