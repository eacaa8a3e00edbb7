import type { AgentIdentity, ChatMessage, PageChangeRequest, VerifiedIdentity } from '../../../identity/index.js';
import { pageCursor, readPageCursor } from '../../store/cursor.js';
import { conversationCommunity, newConversationId } from '../../store/ids.js';
import type { ConversationRecord, ConversationStore, ListMessagesOptions, NewMessage, SessionRecord } from '../../store/types.js';
import { luaScript, type RedisClient } from './client.js';
import type { Guard } from './faults.js';
import type { Keys } from './keys.js';
import { APPEND_MESSAGE, SET_LAST_PAGE, TOUCH_SESSION, UPSERT_CONVERSATION } from './scripts.js';
import { createRedisStateMethods, readState } from './state.js';

export interface RedisRetention {
  /** A conversation with no activity for this long expires with its messages (Redis TTL). Default 7 days. */
  conversationIdleMs: number;
  /** Messages kept per conversation; older ones leave the history, seqs go on. Default 500. */
  maxMessagesPerConversation: number;
  /** Idempotency keys (clientIds) remembered per conversation. Default 5 000. */
  maxClientIdsPerConversation: number;
}

const upsertScript = luaScript(UPSERT_CONVERSATION);
const appendScript = luaScript(APPEND_MESSAGE);
const pageScript = luaScript(SET_LAST_PAGE);
const touchScript = luaScript(TOUCH_SESSION);

/**
 * The Redis engine's ConversationStore (SPEC §8). Each change that touches
 * several keys is one Lua script on one hash slot; the agent list is a sorted
 * set per community, updated right after (a recency hint: losing an update
 * misorders the list for a moment, it loses no data).
 */
export function createRedisStore(client: RedisClient, guard: Guard, keys: Keys, retention: RedisRetention): ConversationStore {
  const ttl = String(Math.max(1000, Math.round(retention.conversationIdleMs)));
  const lastTrim = new Map<string, number>();

  function conversationKeys(id: string) {
    const community = conversationCommunity(id);
    return community === undefined ? undefined : { community, keys: keys.conversation(community, id) };
  }

  function sessionKey(id: string): string | undefined {
    const dot = id.indexOf('.');
    return dot > 0 ? keys.session(id.slice(0, dot), id.slice(dot + 1)) : undefined;
  }

  async function markRecent(community: string, id: string, updatedAt: number): Promise<void> {
    await client.zadd(keys.recent(community), updatedAt, id);
  }

  async function getConversation(id: string): Promise<ConversationRecord | undefined> {
    const found = conversationKeys(id);
    if (!found) return undefined;
    const fields = await guard(() => client.hgetall(found.keys.record));
    return readConversation(fields);
  }

  return {
    getConversation,
    ...createRedisStateMethods(client, guard, (id) => conversationKeys(id)?.keys, (reply) => readConversation(pairs(reply))),
    async getSession(id) {
      const key = sessionKey(id);
      if (key === undefined) return undefined;
      const raw = await guard(() => client.get(key));
      return raw === null ? undefined : (JSON.parse(raw) as SessionRecord);
    },
    async saveSession(record) {
      const key = sessionKey(record.id);
      if (key === undefined) throw new Error(`chatq: session id "${record.id.slice(0, 20)}…" has no community`);
      const lifetime = Math.max(1000, Math.floor(record.retainUntil - record.lastSeenAt));
      await guard(() => client.set(key, JSON.stringify(record), 'PX', lifetime));
    },
    async deleteSession(id) {
      const key = sessionKey(id);
      if (key !== undefined) await guard(() => client.del(key));
    },
    async touchSession(id, lastSeenAt, retainUntil) {
      const key = sessionKey(id);
      if (key !== undefined) await guard(() => touchScript(client, [key], [lastSeenAt, retainUntil]));
    },
    async upsertConversation(community: string, key: string, identity: VerifiedIdentity, now: number) {
      const index = keys.conversationIndex(community, key);
      const fresh = newConversationId(community);
      const id = await guard(async () => {
        const created = await client.set(index, fresh, 'PX', ttl, 'NX');
        if (created !== null) return fresh;
        await client.pexpire(index, ttl);
        return (await client.get(index)) ?? fresh;
      });
      const { keys: conversation } = conversationKeys(id) ?? { keys: keys.conversation(community, fresh) };
      const fields = await guard(() => upsertScript(client, conversation.all, [id, community, key, JSON.stringify(identity), now, ttl]));
      const record = readConversation(pairs(fields))!;
      await guard(async () => {
        await markRecent(community, id, record.updatedAt);
        // The list forgets what has expired (conversations lapse by TTL; their entries here by score), once a minute.
        if (now - (lastTrim.get(community) ?? -Infinity) < 60_000) return;
        lastTrim.set(community, now);
        await client.zremrangebyscore(keys.recent(community), '-inf', `(${now - retention.conversationIdleMs}`);
      });
      return record;
    },
    async setLastPage(id: string, page: PageChangeRequest, now: number) {
      const found = conversationKeys(id);
      if (!found) return undefined;
      const fields = await guard(() => pageScript(client, found.keys.all, [JSON.stringify(page), now, ttl]));
      if (fields === null) return undefined;
      await guard(() => markRecent(found.community, id, now));
      return readConversation(pairs(fields));
    },
    async appendMessage(conversationId: string, input: NewMessage) {
      const found = conversationKeys(conversationId);
      if (!found) return undefined;
      // The recency index is written in the same tick (one pipelined write); an entry for a conversation
      // that turns out not to exist is dropped by the next listing.
      const recent = guard(() => markRecent(found.community, conversationId, input.createdAt));
      const reply = (await guard(() =>
        appendScript(client, found.keys.all, [
          input.author,
          input.clientId ?? '',
          input.body,
          input.createdAt,
          crypto.randomUUID(),
          retention.maxMessagesPerConversation,
          retention.maxClientIdsPerConversation,
          ttl,
          input.agent === undefined ? '' : JSON.stringify(input.agent),
        ]),
      )) as [number, string, string?] | null;
      await recent;
      if (reply === null) return undefined;
      const [created, json, remembered] = reply;
      if (created === 1) return { message: readMessage(json), created: true };
      if (json !== '') return { message: readMessage(json), created: false };
      // The earlier message left the kept history: rebuild it from its record and the retry's own body.
      const [seq, id, createdAt] = remembered!.split('|');
      const message: ChatMessage = {
        id: id!,
        seq: Number(seq),
        clientId: input.clientId!,
        author: input.author,
        ...(input.agent === undefined ? {} : { agent: input.agent }),
        body: input.body,
        createdAt: Number(createdAt),
      };
      return { message, created: false };
    },
    async listMessages(conversationId: string, options: ListMessagesOptions = {}) {
      const found = conversationKeys(conversationId);
      if (!found) return [];
      const { afterSeq, beforeSeq, limit } = options;
      const low = afterSeq === undefined ? '-inf' : `(${afterSeq}`;
      const high = beforeSeq === undefined ? '+inf' : `(${beforeSeq}`;
      const key = found.keys.messages;
      const limited = limit !== undefined && Number.isFinite(limit);
      const raw = await guard(() => {
        if (!limited) return client.zrangebyscore(key, low, high);
        if (afterSeq !== undefined) return client.zrangebyscore(key, low, high, 'LIMIT', 0, limit);
        return client.zrevrangebyscore(key, high, low, 'LIMIT', 0, limit).then((newest) => newest.reverse());
      });
      return raw.map(readMessage);
    },
    async listConversations({ community, limit, cursor }) {
      const after = readPageCursor(cursor);
      const recent = keys.recent(community);
      const entries = await guard(async () => {
        if (!after) return client.zrevrangebyscore(recent, '+inf', '-inf', 'WITHSCORES', 'LIMIT', 0, limit);
        // Entries that share the cursor's score come in reverse id order: skip those at or above the cursor's id.
        const ties = await client.zcount(recent, after.updatedAt, after.updatedAt);
        return client.zrevrangebyscore(recent, after.updatedAt, '-inf', 'WITHSCORES', 'LIMIT', 0, limit + ties);
      });
      const candidates: { id: string; updatedAt: number }[] = [];
      for (let i = 0; i < entries.length; i += 2) {
        const id = entries[i]!;
        const updatedAt = Number(entries[i + 1]);
        if (after && updatedAt === after.updatedAt && id >= after.id) continue;
        if (candidates.length < limit) candidates.push({ id, updatedAt });
      }
      const records = await Promise.all(candidates.map(({ id }) => getConversation(id)));
      const stale = candidates.filter((_, i) => records[i] === undefined).map(({ id }) => id);
      if (stale.length > 0) await guard(() => client.zrem(recent, ...stale));
      const last = candidates.length === limit ? candidates[candidates.length - 1] : undefined;
      return {
        conversations: records.filter((record): record is ConversationRecord => record !== undefined),
        ...(last ? { cursor: pageCursor(last) } : {}),
      };
    },
  };
}

/** HGETALL's flat array (from a script) → an object. */
function pairs(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const list = reply as string[];
  for (let i = 0; i < list.length; i += 2) out[list[i]!] = list[i + 1]!;
  return out;
}

function readConversation(fields: Record<string, string>): ConversationRecord | undefined {
  if (!fields.id) return undefined;
  return {
    id: fields.id,
    community: fields.community!,
    key: fields.key!,
    identity: JSON.parse(fields.identity!) as VerifiedIdentity,
    createdAt: Number(fields.createdAt),
    updatedAt: Number(fields.updatedAt),
    ...(fields.lastPage === undefined ? {} : { lastPage: JSON.parse(fields.lastPage) as PageChangeRequest }),
    lastSeq: Number(fields.seq),
    state: readState(fields),
  };
}

/** A message as the script encoded it (cjson), in the memory engine's field order. */
function readMessage(json: string): ChatMessage {
  const raw = JSON.parse(json) as ChatMessage;
  return {
    id: raw.id,
    seq: raw.seq,
    ...(raw.clientId === undefined ? {} : { clientId: raw.clientId }),
    author: raw.author,
    ...(raw.agent === undefined ? {} : { agent: readAgent(raw.agent) }),
    body: raw.body,
    createdAt: raw.createdAt,
  };
}

/** cjson decodes and re-encodes the agent: rebuild it in the memory engine's field order. */
function readAgent(raw: AgentIdentity): AgentIdentity {
  return { id: raw.id, name: raw.name, ...(raw.avatarUrl === undefined ? {} : { avatarUrl: raw.avatarUrl }) };
}
