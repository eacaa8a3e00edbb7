import type { ChatMessage, PageChangeRequest, VerifiedIdentity } from '../../identity/index.js';
import { EngineError } from '../engine/types.js';
import { resolveMemoryStoreBounds, type MemoryStoreOptions } from './memory-options.js';
import { MessageLog } from './message-log.js';
import { pageCursor, readPageCursor } from './cursor.js';
import { newConversationId } from './ids.js';
import { applyStateChange, countVisitorMessages, noteVisitorMessage } from './state.js';
import type { ConversationRecord, ConversationStore, NewMessage, SessionRecord } from './types.js';

/**
 * Estimated heap bytes per record beyond its text (2 bytes a character), as
 * measured on Node 20 x64 by test/server/store/memory-bounds.test.ts, which
 * fills a store to its budget and checks the real heap against `maxBytes`.
 */
export const RECORD_OVERHEAD_BYTES = Object.freeze({
  /** A ChatMessage, its 36-character id, its array slot and its idempotency entry. */
  message: 800,
  /** What an aged-out message leaves for idempotency: the key and a compact record. */
  clientId: 200,
  /** A conversation's entry, record, log, indexes and key strings, before its identity. */
  conversation: 1400,
  /** Per property of a stored identity (fields, custom fields, extra values, warnings). */
  identityProperty: 96,
  /** A session record, its 43-character id and its index entries. */
  session: 520,
});

interface ConversationEntry {
  record: ConversationRecord;
  log: MessageLog;
  /** Latest activity (ms of store time): drives the idle TTL. */
  activeAt: number;
  /** Ids of the sessions bound to this conversation (they end with it). */
  sessions: Set<string>;
  /** Estimated heap bytes of the record and its identity (the log is counted apart). */
  recordBytes: number;
}

/**
 * The memory engine's ConversationStore: everything in this process's memory,
 * lost on restart, not shared between processes. Good for the demo, tests and
 * a single instance; the Redis engine (`chatq/redis`) is for more.
 *
 * Bounded (MemoryStoreOptions): idle conversations and sessions past their
 * `retainUntil` are swept; the byte budget counts every record's overhead;
 * when full, new conversations and messages are refused with `ERR_CAPACITY`
 * after conversations without a message were dropped — a visitor waiting for
 * an answer is never evicted before the idle time.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): ConversationStore {
  const bounds = resolveMemoryStoreBounds(options);
  const sessions = new Map<string, SessionRecord>(); // least recently used first
  const conversations = new Map<string, ConversationEntry>(); // least recently active first
  const byKey = new Map<string, ConversationEntry>();
  /** Conversations without a message yet, least recently active first: the only ones dropped to make room. */
  const empties = new Map<string, ConversationEntry>();
  let bytes = 0;
  let clock = 0;
  let lastSweep = 0;

  /** Moves time forward to `at` (the handler's clock) and sweeps at most once per interval. */
  function advance(at: number): void {
    if (Number.isFinite(at) && at > clock) clock = at;
    if (clock - lastSweep < bounds.sweepIntervalMs) return;
    lastSweep = clock;
    for (const [id, record] of sessions) if (record.retainUntil <= clock) dropSession(id);
    // Oldest activity first: stop at the first conversation still in use.
    for (const entry of conversations.values()) {
      if (clock - entry.activeAt < bounds.conversationIdleMs) break;
      dropConversation(entry);
    }
  }

  /** Marks activity: the conversation becomes the most recently active (end of the Map). */
  function bump(entry: ConversationEntry, at: number): void {
    if (at > entry.activeAt) entry.activeAt = at;
    conversations.delete(entry.record.id);
    conversations.set(entry.record.id, entry);
    if (empties.delete(entry.record.id)) empties.set(entry.record.id, entry);
  }

  function dropConversation(entry: ConversationEntry): void {
    conversations.delete(entry.record.id);
    empties.delete(entry.record.id);
    byKey.delete(indexKey(entry.record.community, entry.record.key));
    bytes -= entry.recordBytes + logBytes(entry.log);
    for (const id of entry.sessions) dropSession(id);
  }

  function dropSession(id: string): void {
    const record = sessions.get(id);
    if (!record) return;
    sessions.delete(id);
    bytes -= RECORD_OVERHEAD_BYTES.session;
    conversations.get(record.conversationId)?.sessions.delete(id);
  }

  /**
   * Makes room for `needed` more bytes (and, with `newConversation`, one more
   * conversation) by dropping conversations nobody wrote in, least recently
   * active first, then sessions; `keep` is never dropped. Refuses with
   * ERR_CAPACITY when that is not enough.
   */
  function makeRoom(needed: number, newConversation: boolean, keep?: ConversationEntry): void {
    const fits = (): boolean => bytes + needed <= bounds.maxBytes && (!newConversation || conversations.size < bounds.maxConversations);
    for (const entry of empties.values()) {
      if (fits()) return;
      if (entry !== keep) dropConversation(entry);
    }
    if (!newConversation || conversations.size < bounds.maxConversations) {
      for (const id of sessions.keys()) {
        if (bytes + needed <= bounds.maxBytes) break;
        dropSession(id);
      }
    }
    if (!fits()) {
      throw new EngineError('ERR_CAPACITY', 'The chat server is at capacity: try again later.', 60);
    }
  }

  /** A live, unexpired session (one past retainUntil reads as gone even before a sweep). */
  function liveSession(id: string): SessionRecord | undefined {
    const record = sessions.get(id);
    if (record && record.retainUntil <= clock) {
      dropSession(id);
      return undefined;
    }
    return record;
  }

  return {
    async getSession(id) {
      const record = liveSession(id);
      return record && { ...record };
    },
    async saveSession(record) {
      advance(record.lastSeenAt);
      const previous = sessions.get(record.id);
      if (previous) {
        conversations.get(previous.conversationId)?.sessions.delete(record.id);
        sessions.delete(record.id);
      } else {
        bytes += RECORD_OVERHEAD_BYTES.session;
      }
      sessions.set(record.id, { ...record });
      const entry = conversations.get(record.conversationId);
      if (entry) {
        entry.sessions.add(record.id);
        bump(entry, record.lastSeenAt);
      }
      for (const id of sessions.keys()) {
        if (sessions.size <= bounds.maxSessions && bytes <= bounds.maxBytes) break;
        if (id !== record.id) dropSession(id);
      }
    },
    async deleteSession(id) {
      dropSession(id);
    },
    async touchSession(id, lastSeenAt, retainUntil) {
      advance(lastSeenAt);
      const record = liveSession(id);
      if (!record) return;
      sessions.delete(id);
      sessions.set(id, { ...record, lastSeenAt, retainUntil: Math.max(record.retainUntil, retainUntil) });
      const entry = conversations.get(record.conversationId);
      if (entry) bump(entry, lastSeenAt);
    },
    async getConversation(id) {
      const entry = conversations.get(id);
      return entry && { ...entry.record };
    },
    async upsertConversation(community: string, key: string, identity: VerifiedIdentity, now: number) {
      advance(now);
      // One serialization both copies the identity (deep-frozen: no caller can change what is stored) and sizes it.
      const json = JSON.stringify(identity);
      identity = deepFreeze(JSON.parse(json) as VerifiedIdentity);
      let entry = byKey.get(indexKey(community, key));
      const identityCost = identityBytes(identity, json.length);
      if (entry) {
        const recordBytes = RECORD_OVERHEAD_BYTES.conversation + 2 * key.length + identityCost;
        makeRoom(recordBytes - entry.recordBytes, false, entry);
        bytes += recordBytes - entry.recordBytes;
        entry.recordBytes = recordBytes;
        entry.record = { ...entry.record, identity, updatedAt: now };
      } else {
        const recordBytes = RECORD_OVERHEAD_BYTES.conversation + 2 * key.length + identityCost;
        makeRoom(recordBytes, true);
        const record: ConversationRecord = { id: newConversationId(community), community, key, identity, createdAt: now, updatedAt: now, lastSeq: 0 };
        entry = {
          record,
          log: new MessageLog(bounds.maxMessagesPerConversation, bounds.maxClientIdsPerConversation),
          activeAt: now,
          sessions: new Set(),
          recordBytes,
        };
        bytes += recordBytes;
        byKey.set(indexKey(community, key), entry);
        empties.set(record.id, entry);
      }
      bump(entry, now);
      return { ...entry.record };
    },
    async setLastPage(id: string, page: PageChangeRequest, now: number) {
      advance(now);
      const entry = conversations.get(id);
      if (!entry) return undefined;
      entry.record = { ...entry.record, lastPage: page, updatedAt: now };
      bump(entry, now);
      return { ...entry.record };
    },
    async appendMessage(conversationId: string, input: NewMessage) {
      advance(input.createdAt);
      const entry = conversations.get(conversationId);
      if (!entry) return undefined;
      const previous = input.clientId === undefined ? undefined : entry.log.find(input.author, input.clientId, input.body);
      if (previous) return { message: previous, created: false };
      const cost = RECORD_OVERHEAD_BYTES.message + 2 * input.body.length + 2 * (input.clientId?.length ?? 0);
      makeRoom(cost, false, entry);
      const seq = entry.log.lastSeq + 1;
      const message: ChatMessage = Object.freeze({
        id: crypto.randomUUID(),
        seq,
        ...(input.clientId === undefined ? {} : { clientId: input.clientId }),
        author: input.author,
        ...(input.agent === undefined ? {} : { agent: input.agent }),
        body: input.body,
        createdAt: input.createdAt,
      });
      const before = logBytes(entry.log);
      entry.log.push(message);
      bytes += logBytes(entry.log) - before;
      empties.delete(conversationId);
      entry.record = { ...entry.record, lastSeq: seq, updatedAt: input.createdAt };
      bump(entry, input.createdAt);
      return { message, created: true };
    },
    async listMessages(conversationId, options) {
      return conversations.get(conversationId)?.log.range(options) ?? [];
    },
    async listConversations({ community, limit, cursor }) {
      const after = readPageCursor(cursor);
      // Newest first by (updatedAt, id); a page holds at most `limit`, chosen in one pass without sorting the store.
      const page: ConversationRecord[] = [];
      for (const entry of conversations.values()) {
        const record = entry.record;
        if (record.community !== community || (after && !comesAfter(record, after))) continue;
        insertNewestFirst(page, record, limit);
      }
      const last = page.length === limit ? page[page.length - 1] : undefined;
      return { conversations: page.map((record) => ({ ...record })), ...(last ? { cursor: pageCursor(last) } : {}) };
    },
    async updateState(conversationId, change) {
      const entry = conversations.get(conversationId);
      if (!entry) return undefined;
      const after = (seq: number): number => countVisitorMessages(entry.log.range({ afterSeq: seq }));
      entry.record = { ...entry.record, state: applyStateChange(entry.record.state, change, entry.record.lastSeq, after) };
      return { ...entry.record };
    },
    async noteVisitorMessage(conversationId, seq) {
      const entry = conversations.get(conversationId);
      if (!entry) return undefined;
      entry.record = { ...entry.record, state: noteVisitorMessage(entry.record.state, seq) };
      return { ...entry.record };
    },
  };
}

/** Records are handed out as shallow copies; the identity inside is frozen all the way down. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Communities share one index: the same key in two communities is two conversations (SPEC §6 "Sharing"). */
function indexKey(community: string, key: string): string {
  return `${community}\n${key}`;
}

/** Kept messages and remembered clientIds, at their estimated heap cost. */
function logBytes(log: MessageLog): number {
  return log.size * RECORD_OVERHEAD_BYTES.message + 2 * log.chars + log.keys * RECORD_OVERHEAD_BYTES.clientId;
}

/** A stored identity: its JSON text (`jsonLength` characters) at 2 bytes a character plus the cost of each property. */
function identityBytes(identity: VerifiedIdentity, jsonLength: number): number {
  let properties = 8;
  for (const group of [identity.fields, identity.customFields, identity.extraValues]) properties += group ? Object.keys(group).length : 0;
  properties += 3 * (identity.warnings?.length ?? 0);
  return 2 * jsonLength + properties * RECORD_OVERHEAD_BYTES.identityProperty;
}

/** Newer first: larger updatedAt, then larger id. */
function newer(a: ConversationRecord, b: { updatedAt: number; id: string }): boolean {
  return a.updatedAt > b.updatedAt || (a.updatedAt === b.updatedAt && a.id > b.id);
}

function comesAfter(record: ConversationRecord, cursor: { updatedAt: number; id: string }): boolean {
  return !newer(record, cursor) && !(record.updatedAt === cursor.updatedAt && record.id === cursor.id);
}

/** Keeps `page` the `limit` newest records seen so far, newest first. */
function insertNewestFirst(page: ConversationRecord[], record: ConversationRecord, limit: number): void {
  if (page.length === limit && !newer(record, page[page.length - 1]!)) return;
  let low = 0;
  let high = page.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (newer(record, page[middle]!)) high = middle;
    else low = middle + 1;
  }
  page.splice(low, 0, record);
  if (page.length > limit) page.pop();
}
