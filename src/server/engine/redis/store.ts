import type { ChatMessage, PageChangeRequest, VerifiedIdentity } from '../../../identity/index.js';
import { pageCursor, readPageCursor } from '../../store/cursor.js';
import { conversationCommunity, newConversationId, newEpoch } from '../../store/ids.js';
import type { ConversationRecord, ConversationStore, ListMessagesOptions, NewMessage, SessionRecord } from '../../store/types.js';
import { luaScript, type RedisClient } from './client.js';
import { createAppend } from './append.js';
import { createBudget, type TakeOutcome } from './budget.js';
import { TAKE_IF_IDLE } from './budget-scripts.js';
import type { Guard } from './faults.js';
import type { Keys } from './keys.js';
import { readMessage } from './message.js';
import type { RedisOutbox } from './outbox.js';
import type { RedisRetention } from './retention-types.js';
import { SET_LAST_PAGE, TOUCH_SESSION, UPSERT_CONVERSATION } from './scripts.js';
import { createRedisStateMethods, readState } from './state.js';

export type { RedisRetention } from './retention-types.js';

const upsertScript = luaScript(UPSERT_CONVERSATION);
const pageScript = luaScript(SET_LAST_PAGE);
const touchScript = luaScript(TOUCH_SESSION);
const takeScript = luaScript(TAKE_IF_IDLE);

/**
 * The Redis engine's ConversationStore (SPEC §8). Each change that touches
 * several keys is one Lua script on one hash slot; the agent list is a sorted
 * set per community, updated right after (a recency hint: losing an update
 * misorders the list for a moment, it loses no data). An append announces
 * itself on the bus in its own script (ConversationStore.appendMessage), and
 * on one node charges the budget there too (append.ts).
 */
export function createRedisStore(client: RedisClient, guard: Guard, keys: Keys, retention: RedisRetention, outbox?: RedisOutbox): ConversationStore {
  /** SPEC §12: the outbox stream and its bound, appended to a script's keys and arguments when the community has webhooks. */
  const tail = (community: string) => outbox?.tail(community) ?? { keys: [], args: [] };
  const ttl = String(Math.max(1000, Math.round(retention.conversationIdleMs)));
  const emptyTtl = String(Math.max(1000, Math.round(Math.min(retention.emptyConversationIdleMs, retention.conversationIdleMs))));
  const budget = createBudget(client, guard, keys, retention);
  const lastTrim = new Map<string, number>();
  const appender = createAppend(client, guard, keys, retention);

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

  /**
   * An address's conversation its quota wants back (budget.admit): deleted on its own slot only when
   * it really is idle there (TAKE_IF_IDLE: its record's last message, not the owner's set, whose
   * charge may have been lost on a Cluster), then its index, sessions and list entry.
   */
  async function takeIfIdle(id: string): Promise<TakeOutcome> {
    const found = conversationKeys(id);
    if (!found) return 'gone';
    const reply = (await guard(() => takeScript(client, found.keys.all, [retention.evictIdleAfterMs]))) as [number, (string | number)?, ...string[]];
    if (reply[0] === 0) return 'gone';
    if (reply[0] === 1) return Number(reply[1]);
    const [, key, ...sessionIds] = reply;
    const doomed = sessionIds.map(sessionKey).filter((k): k is string => k !== undefined);
    if (key !== '') doomed.push(keys.conversationIndex(found.community, String(key)));
    // One DEL per key: on a Cluster they live on different slots.
    await guard(() => Promise.all([...doomed.map((k) => client.del(k)), client.zrem(keys.recent(found.community), id)]));
    return 'taken';
  }

  async function getConversation(id: string): Promise<ConversationRecord | undefined> {
    const found = conversationKeys(id);
    if (!found) return undefined;
    const fields = await guard(() => client.hgetall(found.keys.record));
    return readConversation(fields);
  }

  return {
    getConversation,
    ...createRedisStateMethods(
      client,
      guard,
      (id) => conversationKeys(id)?.keys,
      (reply) => readConversation(pairs(reply)),
      (id) => tail(conversationCommunity(id) ?? ''),
    ),
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
      // At most maxSessionsPerConversation (issue 16 HIGH 4: 200 sessions amplified one visitor's page changes).
      if (conversationCommunity(record.conversationId) !== record.community) return;
      const ended = await budget.capSessions(record.community, record.conversationId, record.id, record.lastSeenAt);
      const endedKeys = ended.map(sessionKey).filter((k): k is string => k !== undefined);
      if (endedKeys.length > 0) await guard(() => client.del(...endedKeys));
    },
    async deleteSession(id) {
      const key = sessionKey(id);
      if (key !== undefined) await guard(() => client.del(key));
    },
    async touchSession(id, lastSeenAt, retainUntil) {
      const key = sessionKey(id);
      if (key === undefined) return;
      const conversationId = await guard(() => touchScript(client, [key], [lastSeenAt, retainUntil]));
      const found = typeof conversationId === 'string' ? conversationKeys(conversationId) : undefined;
      // The session cap ends the least recently seen: activity keeps a session in.
      if (found) await budget.touchSession(found.community, conversationId as string, id, lastSeenAt);
    },
    async upsertConversation(community: string, key: string, identity: VerifiedIdentity, now: number, owner?: string) {
      const index = keys.conversationIndex(community, key);
      let id = await guard(() => client.get(index));
      if (id === null) {
        // A new conversation must fit in its community's budget and its address's quota (issue 16 HIGH 2).
        const fresh = newConversationId(community);
        await budget.admit(community, fresh, key, identity, owner, takeIfIdle);
        id = await guard(async () => ((await client.set(index, fresh, 'PX', emptyTtl, 'NX')) !== null ? fresh : ((await client.get(index)) ?? fresh)));
      }
      const { keys: conversation } = conversationKeys(id) ?? { keys: keys.conversation(community, newConversationId(community)) };
      const extra = tail(community);
      const fields = await guard(() =>
        upsertScript(client, [...conversation.all, ...extra.keys], [id, community, key, JSON.stringify(identity), now, ttl, emptyTtl, owner ?? '', newEpoch(), ...extra.args]),
      );
      const stored = pairs(fields);
      appender.learn(stored.id!, stored.owner);
      const record = readConversation(stored)!;
      await guard(async () => {
        // The index lives as long as its conversation: short while nobody wrote in it.
        await client.pexpire(index, record.lastSeq > 0 ? ttl : emptyTtl);
        await markRecent(community, record.id, record.updatedAt);
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
      const fields = await guard(() => pageScript(client, found.keys.all, [JSON.stringify(page), now, ttl, emptyTtl]));
      if (fields === null) return undefined;
      await guard(() => markRecent(found.community, id, now));
      return readConversation(pairs(fields));
    },
    async appendMessage(conversationId: string, input: NewMessage) {
      const found = conversationKeys(conversationId);
      if (!found) return undefined;
      // On one node the append script writes the agent list (append.ts). On a Cluster (another slot) it is
      // written in the same tick (one pipelined write); an entry for a conversation that turns out not to
      // exist is dropped by the next listing. It is a hint there (losing it misorders the agent list for a
      // moment): its failure must neither fail a stored message nor, unawaited while the append fails, be
      // left as an unhandled rejection — that ended the process (issue 16 HIGH 1).
      const recent = appender.chargesInScript ? undefined : guard(() => markRecent(found.community, conversationId, input.createdAt)).catch(() => undefined);
      const reply = await appender.append(found.community, conversationId, found.keys, input, tail(found.community));
      await recent;
      if (reply === null) return undefined;
      if (reply[0] === 1) {
        const [, json, owner, key] = reply;
        const message = readMessage(json);
        // The first message gives the conversation its full life: its index too, and a place in its address's quota.
        await Promise.all([
          // On a Cluster the budget is another slot: charged apart, a hint (on one node the append script charged).
          appender.chargesInScript ? undefined : budget.charge(found.community, conversationId, input.body, message.seq === 1, owner),
          message.seq === 1 && key ? guard(() => client.pexpire(keys.conversationIndex(found.community, key), ttl)).catch(() => undefined) : undefined,
        ]);
        return { message, created: true };
      }
      const [, json, remembered] = reply;
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
    // Records made before epochs existed: '0' until their next append takes a real one.
    epoch: fields.epoch ?? '0',
    state: readState(fields),
  };
}
