import type { ChatMessage, PageChangeRequest, VerifiedIdentity } from '../../identity/index.js';
import { resolveMemoryStoreBounds, type MemoryStoreOptions } from './memory-options.js';
import { MessageLog } from './message-log.js';
import type { ConversationRecord, ConversationStore, NewMessage, SessionRecord } from './types.js';

interface ConversationEntry {
  record: ConversationRecord;
  log: MessageLog;
  /** Latest activity (ms of store time): drives the idle TTL. */
  activeAt: number;
  /** Ids of the sessions bound to this conversation (they end with it). */
  sessions: Set<string>;
}

/**
 * The default ConversationStore: everything in this process's memory, lost on
 * restart, not shared between processes. Good for the demo, tests and a single
 * instance; use your own store (same interface) to scale out.
 *
 * Bounded (see MemoryStoreOptions for the defaults): idle conversations and
 * sessions past their `retainUntil` are swept, conversations beyond
 * `maxConversations` or the message-text budget are evicted least recently
 * active first, sessions beyond `maxSessions` least recently used first, and
 * each conversation keeps its latest `maxMessagesPerConversation` messages.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): ConversationStore {
  const bounds = resolveMemoryStoreBounds(options);
  const sessions = new Map<string, SessionRecord>(); // least recently used first
  const conversations = new Map<string, ConversationEntry>(); // least recently active first
  const byKey = new Map<string, ConversationEntry>();
  /** Conversations without a message yet, least recently active first: evicted before any real one. */
  const empties = new Map<string, ConversationEntry>();
  let chars = 0;
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
    byKey.delete(entry.record.key);
    chars -= entry.log.chars;
    for (const id of entry.sessions) sessions.delete(id);
  }

  function dropSession(id: string): void {
    const record = sessions.get(id);
    if (!record) return;
    sessions.delete(id);
    conversations.get(record.conversationId)?.sessions.delete(id);
  }

  /**
   * LRU eviction down to the bounds; `keep` (being written to) is never the
   * victim. Past maxConversations, conversations nobody wrote in yet go first:
   * registrations alone (cheap, from many addresses) cannot push out a
   * conversation that holds messages while an empty one is left.
   */
  function evict(keep: ConversationEntry | undefined): void {
    for (const entry of empties.values()) {
      if (conversations.size <= bounds.maxConversations) break;
      if (entry !== keep) dropConversation(entry);
    }
    for (const entry of conversations.values()) {
      if (conversations.size <= bounds.maxConversations && chars <= bounds.maxMessageChars) break;
      if (entry !== keep) dropConversation(entry);
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
      if (previous && previous.conversationId !== record.conversationId) {
        conversations.get(previous.conversationId)?.sessions.delete(record.id);
      }
      sessions.delete(record.id);
      sessions.set(record.id, { ...record });
      const entry = conversations.get(record.conversationId);
      if (entry) {
        entry.sessions.add(record.id);
        bump(entry, record.lastSeenAt);
      }
      for (const id of sessions.keys()) {
        if (sessions.size <= bounds.maxSessions) break;
        dropSession(id);
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
    async upsertConversation(key: string, identity: VerifiedIdentity, now: number) {
      advance(now);
      let entry = byKey.get(key);
      if (entry) {
        entry.record = { ...entry.record, identity, updatedAt: now };
      } else {
        const record: ConversationRecord = { id: crypto.randomUUID(), key, identity, createdAt: now, updatedAt: now, lastSeq: 0 };
        entry = { record, log: new MessageLog(bounds.maxMessagesPerConversation), activeAt: now, sessions: new Set() };
        byKey.set(key, entry);
        empties.set(record.id, entry);
      }
      bump(entry, now);
      evict(entry);
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
      const previous = input.clientId === undefined ? undefined : entry.log.find(input.author, input.clientId);
      if (previous) return { message: previous, created: false };
      const seq = entry.log.lastSeq + 1;
      const message: ChatMessage = Object.freeze({
        id: crypto.randomUUID(),
        seq,
        ...(input.clientId === undefined ? {} : { clientId: input.clientId }),
        author: input.author,
        body: input.body,
        createdAt: input.createdAt,
      });
      chars += message.body.length - entry.log.push(message);
      empties.delete(conversationId);
      entry.record = { ...entry.record, lastSeq: seq, updatedAt: input.createdAt };
      bump(entry, input.createdAt);
      evict(entry);
      return { message, created: true };
    },
    async listMessages(conversationId: string, afterSeq = 0) {
      return conversations.get(conversationId)?.log.after(afterSeq) ?? [];
    },
    async listConversations() {
      return [...conversations.values()].map((entry) => ({ ...entry.record })).sort((a, b) => b.updatedAt - a.updatedAt);
    },
  };
}
