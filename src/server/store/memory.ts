import type { ChatMessage, PageChangeRequest, VerifiedIdentity } from '../../identity/index.js';
import { EngineError } from '../errors.js';
import { resolveMemoryStoreBounds, type MemoryStoreOptions } from './memory-options.js';
import { idempotencyKey, MessageLog } from './message-log.js';
import { frozenJsonCopy } from './frozen-copy.js';
import { pageCursor, readPageCursor } from './cursor.js';
import { comesAfter, insertNewestFirst } from './newest-first.js';
import { newConversationId, newEpoch } from './ids.js';
import { Owners } from './owners.js';
import { RecencySet } from './recency-set.js';
import { applyStateChange, countVisitorMessages, noteVisitorMessage } from './state.js';
import type { ConversationRecord, ConversationStore, NewMessage, SessionRecord } from './types.js';
import { statusEvent, type OutboxWriter } from './outbox-writer.js';

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
  /** The address key that created it ('' when the handler gave none): its per-address quota. */
  owner: string;
  /** Its key in `byKey` (indexKey), kept so that dropping it neither builds nor hashes the text again. */
  where: string;
}

/**
 * The memory engine's ConversationStore: everything in this process's memory,
 * lost on restart, not shared between processes. Good for the demo, tests and
 * a single instance; the Redis engine (`chatq/redis`) is for more.
 *
 * Bounded (MemoryStoreOptions): idle conversations and sessions past their
 * `retainUntil` are swept; the byte budget counts every record's overhead;
 * one address holds at most `maxConversationsPerAddress`; when full, empty
 * conversations go first, then idle ones of the addresses holding the most,
 * and only then are new conversations and messages refused (`ERR_CAPACITY`).
 * A visitor who is there never loses their conversation or session for room.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}, outbox?: OutboxWriter): ConversationStore {
  const bounds = resolveMemoryStoreBounds(options);
  const sessions = new Map<string, SessionRecord>(); // least recently used first
  const conversations = new Map<string, ConversationEntry>(); // least recently active first
  const byKey = new Map<string, ConversationEntry>();
  /** Conversations without a message yet, least recently active first: the only ones dropped to make room. */
  const empties = new RecencySet<ConversationEntry>();
  const owners = new Owners<ConversationEntry>();
  let bytes = 0;
  let clock = 0;
  let lastSweep = 0;

  /** Moves time forward to `at` (the handler's clock) and sweeps at most once per interval. */
  function advance(at: number): void {
    if (Number.isFinite(at) && at > clock) clock = at;
    if (clock - lastSweep < bounds.sweepIntervalMs) return;
    lastSweep = clock;
    for (const [id, record] of sessions) if (record.retainUntil <= clock) dropSession(id);
    // A conversation nobody wrote in lives only the session idle time.
    for (const entry of empties) {
      if (clock - entry.activeAt < bounds.emptyConversationIdleMs) break;
      dropConversation(entry);
    }
    // Oldest activity first: stop at the first conversation still in use.
    for (const entry of conversations.values()) {
      if (clock - entry.activeAt < bounds.conversationIdleMs) break;
      dropConversation(entry);
    }
  }

  /**
   * The conversation last bumped or added: it is at the end of every order already (conversations,
   * empties, its owner's), so bumping it again moves nothing. A sign-in bumps on upsertConversation
   * and again on saveSession, a message on touchSession and again on appendMessage: eight Map and
   * Set operations each time, saved (issue 22).
   */
  let newest: ConversationEntry | undefined;

  /** Marks activity: the conversation becomes the most recently active (end of the Map). */
  function bump(entry: ConversationEntry, at: number): void {
    if (at > entry.activeAt) entry.activeAt = at;
    if (entry === newest) return;
    newest = entry;
    conversations.delete(entry.record.id);
    conversations.set(entry.record.id, entry);
    empties.renew(entry);
    owners.touch(entry);
  }

  function dropConversation(entry: ConversationEntry): void {
    if (entry === newest) newest = undefined;
    conversations.delete(entry.record.id);
    empties.delete(entry);
    owners.remove(entry);
    byKey.delete(entry.where);
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
   * conversation): conversations nobody wrote in go first, least recently
   * active first, then idle ones (evictIdleAfterMs) of the addresses that
   * hold the most; `keep` and conversations whose visitor is there never go.
   * Refuses with ERR_CAPACITY when that is not enough.
   */
  function makeRoom(needed: number, newConversation: boolean, keep?: ConversationEntry): void {
    const fits = (): boolean => bytes + needed <= bounds.maxBytes && (!newConversation || conversations.size < bounds.maxConversations);
    if (fits()) return;
    for (const entry of empties) {
      if (fits()) return;
      if (entry !== keep) dropConversation(entry);
    }
    while (!fits()) {
      const victim = owners.fromBusiest(isIdle, keep);
      if (!victim) throw new EngineError('ERR_CAPACITY', 'The chat server is at capacity: try again later.', 60);
      dropConversation(victim);
    }
  }

  /**
   * One address's quota: at the cap its own oldest empty conversation makes
   * room, else its least recently active idle one (evictIdleAfterMs), else it
   * is refused. An address cannot hold more, and is never locked out by its own past.
   */
  function makeRoomFor(owner: string): void {
    if (owner === '' || owners.count(owner) < bounds.maxConversationsPerAddress) return;
    const empty = owners.oldestEmpty(owner) ?? owners.oldestIdle(owner, isIdle);
    if (!empty) {
      throw new EngineError('ERR_CAPACITY', `This address already holds ${bounds.maxConversationsPerAddress} conversations: try again later.`, 60);
    }
    dropConversation(empty);
  }

  /** Whether a conversation may go to make room: nobody was there for evictIdleAfterMs. */
  function isIdle(entry: ConversationEntry): boolean {
    return clock - entry.activeAt >= bounds.evictIdleAfterMs;
  }

  /** At most maxSessionsPerConversation: the least recently seen of the others end. */
  function capSessions(entry: ConversationEntry, keep: string): void {
    while (entry.sessions.size > bounds.maxSessionsPerConversation) {
      let oldest: SessionRecord | undefined;
      for (const id of entry.sessions) {
        const record = sessions.get(id);
        if (id !== keep && record && (!oldest || record.lastSeenAt < oldest.lastSeenAt)) oldest = record;
      }
      if (!oldest) return;
      dropSession(oldest.id);
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

  /** SPEC §12: closed / reopened in the outbox, in the step that moved the status (at the store's latest instant). */
  function recordStatus(before: ConversationRecord, after: ConversationRecord): void {
    const event = outbox && statusEvent(before, after, clock);
    if (event) outbox!.record(after.community, event);
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
        capSessions(entry, record.id);
      }
      // Only over a bound is the Map iterated (an iteration starts by walking past its deleted entries).
      if (sessions.size > bounds.maxSessions || bytes > bounds.maxBytes) {
        for (const id of sessions.keys()) {
          if (sessions.size <= bounds.maxSessions && bytes <= bounds.maxBytes) break;
          if (id !== record.id) dropSession(id);
        }
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
    async upsertConversation(community: string, key: string, identity: VerifiedIdentity, now: number, owner?: string) {
      advance(now);
      // One walk both copies the identity (deep-frozen: no caller can change what is stored) and sizes it.
      const stored = frozenJsonCopy(identity);
      identity = stored.copy;
      const where = indexKey(community, key);
      let entry = byKey.get(where);
      const recordBytes = RECORD_OVERHEAD_BYTES.conversation + 2 * key.length + identityBytes(identity, stored.jsonLength);
      if (entry) {
        makeRoom(recordBytes - entry.recordBytes, false, entry);
        bytes += recordBytes - entry.recordBytes;
        entry.recordBytes = recordBytes;
        entry.record = { ...entry.record, identity, updatedAt: now };
      } else {
        makeRoomFor(owner ?? '');
        makeRoom(recordBytes, true);
        // This process never loses an acknowledged write while it lives: the epoch is fixed at creation.
        const record: ConversationRecord = { id: newConversationId(community), community, key, identity, createdAt: now, updatedAt: now, lastSeq: 0, epoch: newEpoch() };
        entry = {
          record,
          log: new MessageLog(bounds.maxMessagesPerConversation, bounds.maxClientIdsPerConversation),
          activeAt: now,
          sessions: new Set(),
          recordBytes,
          owner: owner ?? '',
          where,
        };
        bytes += recordBytes;
        // Added at the end of every order: the most recently active, with nothing to move.
        owners.add(entry);
        byKey.set(where, entry);
        conversations.set(record.id, entry);
        empties.add(entry);
        newest = entry;
        // SPEC §12: the outbox entry in the same synchronous step as the change.
        outbox?.record(community, { type: 'conversation.created', conversationId: record.id, seq: 0, at: now });
        return { ...record };
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
      // One key for the lookup and the append that follows it (made and hashed once).
      const { clientId } = input;
      const key = clientId === undefined ? undefined : idempotencyKey(input.author, clientId);
      const previous = clientId === undefined ? undefined : entry.log.find(input.author, clientId, input.body, key);
      if (previous) return { message: previous, created: false };
      const cost = RECORD_OVERHEAD_BYTES.message + 2 * input.body.length + 2 * (input.clientId?.length ?? 0);
      makeRoom(cost, false, entry);
      const seq = entry.log.lastSeq + 1;
      // One literal, never assignments: a setter or getter a dependency added to Object.prototype (a `body`
      // with only a getter) must not see a message nor make every append throw (test/client/hardening.test.ts).
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
      entry.log.push(message, key);
      bytes += logBytes(entry.log) - before;
      if (empties.delete(entry)) owners.filled(entry);
      entry.record = { ...entry.record, lastSeq: seq, updatedAt: input.createdAt };
      outbox?.record(entry.record.community, { type: 'message.created', conversationId, seq, at: input.createdAt, author: input.author });
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
      const before = entry.record;
      entry.record = { ...entry.record, state: applyStateChange(entry.record.state, change, entry.record.lastSeq, after) };
      recordStatus(before, entry.record);
      return { ...entry.record };
    },
    async noteVisitorMessage(conversationId, seq) {
      const entry = conversations.get(conversationId);
      if (!entry) return undefined;
      const before = entry.record;
      entry.record = { ...entry.record, state: noteVisitorMessage(entry.record.state, seq) };
      recordStatus(before, entry.record);
      return { ...entry.record };
    },
  };
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
