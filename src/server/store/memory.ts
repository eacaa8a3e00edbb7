import type { ChatMessage, PageChangeRequest, VerifiedIdentity } from '../../identity/index.js';
import type { ConversationRecord, ConversationStore, NewMessage, SessionRecord } from './types.js';

interface ConversationEntry {
  record: ConversationRecord;
  /** messages[seq - 1] */
  messages: ChatMessage[];
  /** `${author}:${clientId}` → message, for idempotent appends. */
  byClientId: Map<string, ChatMessage>;
}

/** How often (ms) saveSession sweeps sessions past their `retainUntil`. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * The default ConversationStore: everything in this process's memory, lost on
 * restart, not shared between processes. Good for the demo, tests and a single
 * instance; use your own store (same interface) to scale out.
 */
export function createMemoryStore(): ConversationStore {
  const sessions = new Map<string, SessionRecord>();
  const conversations = new Map<string, ConversationEntry>();
  const byKey = new Map<string, ConversationEntry>();
  let lastSweep = 0;

  function sweep(now: number): void {
    if (now - lastSweep < SWEEP_INTERVAL_MS) return;
    lastSweep = now;
    for (const [id, record] of sessions) if (record.retainUntil <= now) sessions.delete(id);
  }

  return {
    async getSession(id) {
      const record = sessions.get(id);
      return record && { ...record };
    },
    async saveSession(record) {
      sessions.set(record.id, { ...record });
      sweep(record.lastSeenAt);
    },
    async deleteSession(id) {
      sessions.delete(id);
    },
    async touchSession(id, lastSeenAt, retainUntil) {
      const record = sessions.get(id);
      if (record) sessions.set(id, { ...record, lastSeenAt, retainUntil: Math.max(record.retainUntil, retainUntil) });
    },
    async getConversation(id) {
      const entry = conversations.get(id);
      return entry && { ...entry.record };
    },
    async upsertConversation(key: string, identity: VerifiedIdentity, now: number) {
      let entry = byKey.get(key);
      if (entry) {
        entry.record = { ...entry.record, identity, updatedAt: now };
      } else {
        const record: ConversationRecord = { id: crypto.randomUUID(), key, identity, createdAt: now, updatedAt: now, lastSeq: 0 };
        entry = { record, messages: [], byClientId: new Map() };
        byKey.set(key, entry);
        conversations.set(record.id, entry);
      }
      return { ...entry.record };
    },
    async setLastPage(id: string, page: PageChangeRequest, now: number) {
      const entry = conversations.get(id);
      if (!entry) return undefined;
      entry.record = { ...entry.record, lastPage: page, updatedAt: now };
      return { ...entry.record };
    },
    async appendMessage(conversationId: string, input: NewMessage) {
      const entry = conversations.get(conversationId);
      if (!entry) return undefined;
      const idempotencyKey = input.clientId === undefined ? undefined : `${input.author}:${input.clientId}`;
      const previous = idempotencyKey === undefined ? undefined : entry.byClientId.get(idempotencyKey);
      if (previous) return { message: previous, created: false };
      const seq = entry.messages.length + 1;
      const message: ChatMessage = Object.freeze({
        id: crypto.randomUUID(),
        seq,
        ...(input.clientId === undefined ? {} : { clientId: input.clientId }),
        author: input.author,
        body: input.body,
        createdAt: input.createdAt,
      });
      entry.messages.push(message);
      if (idempotencyKey !== undefined) entry.byClientId.set(idempotencyKey, message);
      entry.record = { ...entry.record, lastSeq: seq, updatedAt: input.createdAt };
      return { message, created: true };
    },
    async listMessages(conversationId: string, afterSeq = 0) {
      const entry = conversations.get(conversationId);
      if (!entry) return [];
      // seq n lives at index n - 1, so "after seq k" starts at index k.
      return entry.messages.slice(Math.max(0, Math.floor(afterSeq)));
    },
    async listConversations() {
      return [...conversations.values()].map((entry) => ({ ...entry.record })).sort((a, b) => b.updatedAt - a.updatedAt);
    },
  };
}
