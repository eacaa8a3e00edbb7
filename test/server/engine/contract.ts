/**
 * The engine contract (SPEC §8): what every engine's store, bus and rate
 * limiter must do, whichever engine it is. Run by memory.test.ts and
 * redis.test.ts (a real redis-server, and a real 3-master cluster).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VerifiedIdentity } from '../../../src/identity/index.js';
import { isEngineError, type BusEvent, type Engine } from '../../../src/server/engine/index.js';
import type { SessionRecord } from '../../../src/server/store/index.js';

export interface ContractOptions {
  /** Messages kept per conversation (the contract asks for a small one to test trimming). */
  maxMessagesPerConversation: number;
  /** Live conversations with a message per address (small, to test the quota). */
  maxConversationsPerAddress: number;
  /** Sessions per conversation (small, to test the cap). */
  maxSessionsPerConversation: number;
  /** Idle time after which an address at its quota gets its own conversation back (short, to test it in real time). */
  evictIdleAfterMs: number;
}

export const identity = (uuid: string, extra: Partial<VerifiedIdentity> = {}): VerifiedIdentity => ({
  uuid,
  uuidSource: 'jwt',
  signed: true,
  fields: {},
  customFields: {},
  extraValues: {},
  warnings: [],
  ...extra,
});

/** Session ids are `<community>.<hash>` (handler/sessions.ts). */
export const session = (id: string, conversationId: string, at: number, extra: Partial<SessionRecord> = {}): SessionRecord => ({
  id,
  community: 'acme',
  conversationId,
  conversationKey: 'k',
  signed: false,
  createdAt: at,
  lastSeenAt: at,
  retainUntil: at + 1_000_000,
  ...extra,
});

/** Waits until `check` passes (bus delivery may be asynchronous), at most `ms`. */
export async function eventually(check: () => void | Promise<void>, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

export interface EngineFactory {
  /** A fresh engine on a clean backend. */
  make(options: ContractOptions): Promise<Engine>;
  /** Another instance on the same backend as `engine` (what a second process would create). */
  sibling(engine: Engine, options: ContractOptions): Promise<Engine>;
}

export function describeEngineContract(name: string, factory: EngineFactory): void {
  const options: ContractOptions = { maxMessagesPerConversation: 3, maxConversationsPerAddress: 3, maxSessionsPerConversation: 2, evictIdleAfterMs: 300 };
  describe(`engine contract: ${name}`, () => {
    let engine: Engine;
    let others: Engine[] = [];
    /** A second engine on the same backend: another instance. */
    const another = async (): Promise<Engine> => {
      const made = await factory.sibling(engine, options);
      others.push(made);
      return made;
    };
    beforeEach(async () => {
      engine = await factory.make(options);
    });
    afterEach(async () => {
      await engine.close();
      for (const other of others) await other.close();
      others = [];
    });

    describe('conversations', () => {
      it('finds one conversation per community and key, and keeps the newest identity', async () => {
        const { store } = engine;
        const a = await store.upsertConversation('acme', 'signed:u1', identity('u1'), 1_000);
        const again = await store.upsertConversation('acme', 'signed:u1', identity('u1', { kid: 'new' }), 2_000);
        const browser = await store.upsertConversation('acme', 'browser:b1', identity('u1'), 3_000);
        const otherCommunity = await store.upsertConversation('globex', 'signed:u1', identity('u1'), 4_000);
        expect(again.id).toBe(a.id);
        expect(again).toMatchObject({ community: 'acme', key: 'signed:u1', createdAt: 1_000, updatedAt: 2_000, lastSeq: 0 });
        expect(again.identity.kid).toBe('new');
        expect(new Set([a.id, browser.id, otherCommunity.id]).size).toBe(3);
        expect((await store.getConversation(otherCommunity.id))!.community).toBe('globex');
        expect(await store.getConversation('no-such-id')).toBeUndefined();
      });

      it('is the same conversation from another instance', async () => {
        const first = await engine.store.upsertConversation('acme', 'signed:shared', identity('shared'), 1_000);
        const second = await (await another()).store.upsertConversation('acme', 'signed:shared', identity('shared'), 2_000);
        expect(second.id).toBe(first.id);
      }, 20_000);

      it('records the last page', async () => {
        const { store } = engine;
        const c = await store.upsertConversation('acme', 'k', identity('u'), 1_000);
        const updated = await store.setLastPage(c.id, { url: 'https://shop.test/cart', title: 'Cart' }, 5_000);
        expect(updated).toMatchObject({ id: c.id, lastPage: { url: 'https://shop.test/cart', title: 'Cart' }, updatedAt: 5_000 });
        expect((await store.getConversation(c.id))!.lastPage).toEqual({ url: 'https://shop.test/cart', title: 'Cart' });
        expect(await store.setLastPage('no-such-id', {}, 6_000)).toBeUndefined();
      });

      it('has an epoch that a healthy backend keeps across registrations, page changes and appends (issue 16 HIGH 6)', async () => {
        const { store } = engine;
        const c = await store.upsertConversation('acme', 'k', identity('u'), 1_000);
        expect(c.epoch).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
        await store.appendMessage(c.id, { author: 'visitor', body: 'a', createdAt: 1_001 });
        const first = (await store.getConversation(c.id))!.epoch;
        await store.setLastPage(c.id, { url: 'https://shop.test/' }, 1_002);
        await store.upsertConversation('acme', 'k', identity('u'), 1_003);
        await (await another()).store.appendMessage(c.id, { author: 'agent', body: 'b', createdAt: 1_004 });
        expect((await store.getConversation(c.id))!.epoch).toBe(first);
        expect((await store.upsertConversation('acme', 'k2', identity('u2'), 1_005)).epoch).not.toBe(first);
      }, 20_000);

      it('returns copies: a caller cannot change what is stored', async () => {
        const { store } = engine;
        const c = await store.upsertConversation('acme', 'k', identity('u'), 1_000);
        try {
          c.identity.fields.firstname = 'tampered';
        } catch {
          // A frozen copy is fine too.
        }
        c.lastSeq = 99;
        const read = (await store.getConversation(c.id))!;
        expect(read.identity.fields.firstname).toBeUndefined();
        expect(read.lastSeq).toBe(0);
      });
    });

    describe('bounds (issue 16 HIGH 2, HIGH 3, HIGH 4)', () => {
      it('one address holds at most maxConversationsPerAddress conversations with messages; empty ones never block it', async () => {
        const { store } = engine;
        const owned: string[] = [];
        for (let i = 0; i < 3; i++) {
          const { id } = await store.upsertConversation('acme', `browser:o1-${i}`, identity(`o1-${i}`), 1_000 + i, '198.51.100.1');
          await store.appendMessage(id, { author: 'visitor', body: 'x', createdAt: 1_100 + i });
          owned.push(id);
        }
        const refused = await store.upsertConversation('acme', 'browser:o1-extra', identity('o1-x'), 1_200, '198.51.100.1').then(
          () => 'stored',
          (error: unknown) => (isEngineError(error) ? error.code : String(error)),
        );
        expect(refused).toBe('ERR_CAPACITY');
        // Its own conversations still register; another address, and no address, are not affected.
        expect((await store.upsertConversation('acme', 'browser:o1-1', identity('o1-1'), 1_201, '198.51.100.1')).id).toBe(owned[1]);
        await store.upsertConversation('acme', 'browser:o2', identity('o2'), 1_202, '198.51.100.2');
        await store.upsertConversation('acme', 'browser:none', identity('none'), 1_203);
        // Page views that never chat: an address behind one NAT is not blocked by them.
        for (let i = 0; i < 6; i++) await store.upsertConversation('acme', `browser:o3-${i}`, identity(`o3-${i}`), 1_210 + i, '198.51.100.3');
        const last = await store.upsertConversation('acme', 'browser:o3-talks', identity('o3-t'), 1_220, '198.51.100.3');
        expect((await store.appendMessage(last.id, { author: 'visitor', body: 'hello', createdAt: 1_221 }))?.created).toBe(true);
        for (const id of owned) expect(await store.listMessages(id)).toHaveLength(1);
      });

      it('an address at its quota gets back its own least recently active idle conversation (evictIdleAfterMs), never is locked out by its past', async () => {
        // Real time: the Redis engine judges idleness on the server's clock.
        const { store } = engine;
        const owned: string[] = [];
        for (let i = 0; i < 3; i++) {
          const { id } = await store.upsertConversation('acme', `browser:o4-${i}`, identity(`o4-${i}`), Date.now(), '198.51.100.4');
          await store.appendMessage(id, { author: 'visitor', body: 'x', createdAt: Date.now() });
          owned.push(id);
        }
        await new Promise((resolve) => setTimeout(resolve, 400));
        await store.appendMessage(owned[0]!, { author: 'visitor', body: 'still here', createdAt: Date.now() });
        const fourth = await store.upsertConversation('acme', 'browser:o4-3', identity('o4-3'), Date.now(), '198.51.100.4');
        expect(fourth.lastSeq).toBe(0);
        expect(await store.getConversation(owned[1]!)).toBeUndefined();
        expect(await store.getConversation(owned[0]!)).toBeDefined();
        expect(await store.getConversation(owned[2]!)).toBeDefined();
      });

      it('a conversation holds at most maxSessionsPerConversation sessions: the least recently seen of the others end', async () => {
        const { store } = engine;
        const c = await store.upsertConversation('acme', 'k', identity('u'), 1_000);
        await store.saveSession(session('acme.sa', c.id, 1_000));
        await store.saveSession(session('acme.sb', c.id, 1_001));
        await store.touchSession('acme.sa', 1_002, 1_002 + 1_000_000);
        await store.saveSession(session('acme.sc', c.id, 1_003));
        expect(await store.getSession('acme.sb')).toBeUndefined();
        expect(await store.getSession('acme.sa')).toBeDefined();
        expect(await store.getSession('acme.sc')).toBeDefined();
      });
    });

    describe('messages', () => {
      it('appends with consecutive seqs, idempotent per author and clientId', async () => {
        const { store } = engine;
        const { id } = await store.upsertConversation('acme', 'k', identity('u'), 1_000);
        const first = await store.appendMessage(id, { author: 'visitor', body: 'a', clientId: 'same-id-1', createdAt: 5_000 });
        const retry = await store.appendMessage(id, { author: 'visitor', body: 'a', clientId: 'same-id-1', createdAt: 6_000 });
        const agent = await store.appendMessage(id, { author: 'agent', body: 'b', clientId: 'same-id-1', createdAt: 7_000 });
        const plain = await store.appendMessage(id, { author: 'agent', body: 'c', createdAt: 8_000 });
        expect(first).toMatchObject({ created: true, message: { seq: 1, body: 'a', author: 'visitor', clientId: 'same-id-1', createdAt: 5_000 } });
        expect(retry).toEqual({ created: false, message: first!.message });
        expect(agent).toMatchObject({ created: true, message: { seq: 2, author: 'agent' } });
        expect(plain!.message).not.toHaveProperty('clientId');
        expect(await store.appendMessage('no-such-id', { author: 'agent', body: 'x', createdAt: 1 })).toBeUndefined();
        expect(await store.getConversation(id)).toMatchObject({ lastSeq: 3, updatedAt: 8_000 });
      });

      it('lists after a seq, before a seq, and the newest page', async () => {
        const { store } = engine;
        const { id } = await store.upsertConversation('acme', 'k', identity('u'), 1_000);
        for (let i = 1; i <= 3; i++) await store.appendMessage(id, { author: 'visitor', body: `m${i}`, createdAt: 1_000 + i });
        const seqs = async (options?: Parameters<Engine['store']['listMessages']>[1]) => (await store.listMessages(id, options)).map((m) => m.seq);
        expect(await seqs()).toEqual([1, 2, 3]);
        expect(await seqs({ afterSeq: 1 })).toEqual([2, 3]);
        expect(await seqs({ afterSeq: 3 })).toEqual([]);
        expect(await seqs({ afterSeq: 0, limit: 2 })).toEqual([1, 2]);
        expect(await seqs({ limit: 2 })).toEqual([2, 3]);
        expect(await seqs({ beforeSeq: 3, limit: 1 })).toEqual([2]);
        expect(await seqs({ beforeSeq: 1 })).toEqual([]);
        expect(await store.listMessages('no-such-id')).toEqual([]);
      });

      it('keeps the newest messages, seqs go on, and a retry of one that left is still recognized', async () => {
        const { store } = engine;
        const { id } = await store.upsertConversation('acme', 'k', identity('u'), 1_000);
        for (let i = 1; i <= 5; i++) await store.appendMessage(id, { author: 'visitor', body: `m${i}`, clientId: `client-id-${i}`, createdAt: 1_000 + i });
        expect((await store.listMessages(id)).map((m) => m.body)).toEqual(['m3', 'm4', 'm5']);
        expect((await store.listMessages(id, { afterSeq: 1 })).map((m) => m.seq)).toEqual([3, 4, 5]);
        expect((await store.getConversation(id))!.lastSeq).toBe(5);
        const kept = await store.appendMessage(id, { author: 'visitor', body: 'm4', clientId: 'client-id-4', createdAt: 2_000 });
        expect(kept).toMatchObject({ created: false, message: { seq: 4, body: 'm4' } });
        const aged = await store.appendMessage(id, { author: 'visitor', body: 'm1', clientId: 'client-id-1', createdAt: 2_001 });
        expect(aged).toMatchObject({ created: false, message: { seq: 1, body: 'm1', clientId: 'client-id-1', author: 'visitor', createdAt: 1_001 } });
        expect((await store.getConversation(id))!.lastSeq).toBe(5);
      });

      it('gives concurrent appends distinct consecutive seqs, across instances', async () => {
        const { store } = engine;
        const other = (await another()).store;
        const { id } = await store.upsertConversation('acme', 'k', identity('u'), 1_000);
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).appendMessage(id, { author: 'visitor', body: `m${i}`, clientId: `concurrent-${i}`, createdAt: 2_000 + i })),
        );
        expect(results.map((r) => r!.message.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        const retries = await Promise.all(
          Array.from({ length: 6 }, (_, i) => (i % 2 ? store : other).appendMessage(id, { author: 'visitor', body: 'x', clientId: 'one-retry-key', createdAt: 3_000 })),
        );
        expect(retries.filter((r) => r!.created)).toHaveLength(1);
        expect(new Set(retries.map((r) => r!.message.seq)).size).toBe(1);
      }, 20_000);
    });

    describe('the agent list', () => {
      it('pages one community newest first, with a cursor', async () => {
        const { store } = engine;
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push((await store.upsertConversation('acme', `k${i}`, identity(`u${i}`), 1_000 + i)).id);
        await store.upsertConversation('globex', 'k9', identity('u9'), 9_000);
        await store.appendMessage(ids[1]!, { author: 'visitor', body: 'bump', createdAt: 5_000 });
        const first = await store.listConversations({ community: 'acme', limit: 2 });
        expect(first.conversations.map((c) => c.id)).toEqual([ids[1], ids[4]]);
        expect(first.cursor).toEqual(expect.any(String));
        const second = await store.listConversations({ community: 'acme', limit: 2, cursor: first.cursor! });
        expect(second.conversations.map((c) => c.id)).toEqual([ids[3], ids[2]]);
        const third = await store.listConversations({ community: 'acme', limit: 2, cursor: second.cursor! });
        expect(third.conversations.map((c) => c.id)).toEqual([ids[0]]);
        expect(third.cursor).toBeUndefined();
        expect((await store.listConversations({ community: 'globex', limit: 10 })).conversations).toHaveLength(1);
        expect((await store.listConversations({ community: 'initech', limit: 10 })).conversations).toEqual([]);
        // A malformed cursor starts over instead of failing.
        expect((await store.listConversations({ community: 'acme', limit: 1, cursor: '%%%' })).conversations.map((c) => c.id)).toEqual([ids[1]]);
      });
    });

    describe('sessions', () => {
      it('saves, reads copies, touches only activity, deletes', async () => {
        const { store } = engine;
        const c = await store.upsertConversation('acme', 'k', identity('u'), 1_000);
        await store.saveSession(session('acme.s1', c.id, 1_000, { signed: true, expiresAt: 50_000, retainUntil: 100_000 }));
        const read = (await store.getSession('acme.s1'))!;
        expect(read).toEqual(session('acme.s1', c.id, 1_000, { signed: true, expiresAt: 50_000, retainUntil: 100_000 }));
        read.conversationId = 'tampered';
        expect((await store.getSession('acme.s1'))!.conversationId).toBe(c.id);
        await store.touchSession('acme.s1', 40_000, 90_000);
        expect(await store.getSession('acme.s1')).toMatchObject({ lastSeenAt: 40_000, expiresAt: 50_000, retainUntil: 100_000 });
        await store.deleteSession('acme.s1');
        expect(await store.getSession('acme.s1')).toBeUndefined();
        await store.touchSession('acme.s1', 41_000, 90_000);
        expect(await store.getSession('acme.s1')).toBeUndefined();
        expect(await store.getSession('acme.never')).toBeUndefined();
      });

      it('a renewal replaces the record; another instance sees it', async () => {
        const { store } = engine;
        const c = await store.upsertConversation('acme', 'k', identity('u'), 1_000);
        await store.saveSession(session('acme.s2', c.id, 1_000, { expiresAt: 10_000, retainUntil: 20_000 }));
        await store.saveSession(session('acme.s2', c.id, 5_000, { expiresAt: 60_000, retainUntil: 70_000 }));
        expect(await (await another()).store.getSession('acme.s2')).toMatchObject({ lastSeenAt: 5_000, expiresAt: 60_000, retainUntil: 70_000 });
      }, 20_000);
    });

    describe('the bus', () => {
      /** Every topic of `community` on `bus`, each listener recording what it hears. */
      const listen = (bus: Engine['bus'], community: string, conversationId: string) => {
        const heard = { conversation: [] as BusEvent[], agents: [] as BusEvent[], community: [] as BusEvent[] };
        const subscriptions = [
          bus.subscribe(community, (e) => heard.conversation.push(e), { conversationId }),
          bus.subscribe(community, (e) => heard.agents.push(e), 'agents'),
          bus.subscribe(community, (e) => heard.community.push(e)),
        ];
        const live = (list: BusEvent[]) => list.filter((e) => e.type !== 'resync');
        return {
          ready: Promise.all(subscriptions.map((s) => s.ready)),
          off: () => subscriptions.forEach((s) => s()),
          conversation: () => live(heard.conversation),
          agents: () => live(heard.agents),
          community: () => live(heard.community),
        };
      };

      it('delivers each event to the topics it concerns (issue 22 item 3), on every instance, in order, and to nobody else', async () => {
        const other = await another();
        const here = listen(engine.bus, 'acme', 'acme.c1');
        const there = listen(other.bus, 'acme', 'acme.c1');
        const elsewhere = listen(other.bus, 'globex', 'acme.c1');
        // Once ready, what is published reaches the listener: no probing.
        await Promise.all([here.ready, there.ready, elsewhere.ready]);
        const message = { id: 'm', seq: 1, author: 'agent' as const, body: 'hi', createdAt: 1 };
        const sent: Exclude<BusEvent, { type: 'resync' }>[] = [
          { type: 'message', conversationId: 'acme.c1', message },
          { type: 'conversation', conversationId: 'acme.c1' },
          { type: 'session_ended', conversationId: 'acme.c1', sessionId: 's1' },
          { type: 'message', conversationId: 'acme.c2', message },
          { type: 'typing', conversationId: 'acme.c1', author: 'visitor' },
          { type: 'read', conversationId: 'acme.c1', author: 'agent', seq: 1 },
          { type: 'presence', instance: 'i1', agents: [], ttlMs: 1000 },
        ];
        for (const [i, event] of sent.entries()) await (i % 2 ? other : engine).bus.publish('acme', event);
        const [m1, changed, ended, m2, typing, read, presence] = sent;
        await eventually(() => {
          for (const side of [here, there]) {
            expect(side.conversation()).toEqual([m1, ended, read]);
            // On a Cluster the agents' topic is plain pub/sub, relayed by whichever node took the PUBLISH:
            // events published through different nodes may swap (a conversation's messages may not: its
            // append script always publishes from the conversation's own node).
            expect(side.agents()).toHaveLength(5);
            expect(side.agents()).toEqual(expect.arrayContaining([m1, changed, m2, typing, read]));
            expect(side.community()).toEqual([presence]);
          }
        });
        expect([...elsewhere.conversation(), ...elsewhere.agents(), ...elsewhere.community()]).toEqual([]);
        here.off();
        await engine.bus.publish('acme', { type: 'conversation', conversationId: 'acme.after' });
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(here.agents()).toHaveLength(5);
        there.off();
        elsewhere.off();
      }, 20_000);

      it('an append announces itself on the conversation and agents topics of every instance; a retry announces nothing (issue 21 item 4)', async () => {
        const other = await another();
        const { id } = await engine.store.upsertConversation('acme', 'k', identity('u'), 1_000);
        await engine.store.updateState(id, { status: 'closed' });
        const there = listen(other.bus, 'acme', id);
        const seen: unknown[] = [];
        // What the agents' side reads when it hears of the message: counted and reopened already.
        const stop = other.bus.subscribe('acme', (e) => void (e.type === 'message' && other.store.getConversation(id).then((r) => seen.push(r?.state))), 'agents');
        await Promise.all([there.ready, stop.ready]);
        const first = await engine.store.appendMessage(id, { author: 'visitor', body: 'hello', clientId: 'cid-00000001', createdAt: 2_000 });
        expect(first?.created).toBe(true);
        expect(await engine.store.appendMessage(id, { author: 'visitor', body: 'hello', clientId: 'cid-00000001', createdAt: 2_001 })).toMatchObject({ created: false });
        const announced = { type: 'message', conversationId: id, message: first!.message };
        await eventually(() => {
          expect(there.conversation()).toEqual([announced]);
          expect(there.agents()).toEqual([announced]);
          expect(seen).toHaveLength(1);
        });
        expect(seen[0]).toMatchObject({ status: 'open', unread: 1 });
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(there.conversation()).toHaveLength(1);
        there.off();
        stop();
      }, 20_000);
    });

    describe('rate limits', () => {
      // Real time: an engine shared by instances may keep its own clock (Redis' TIME) and ignore `now`.
      it('a burst of perMinute per key, shared by instances, then the seconds to wait; tokens come back with time', async () => {
        const { limiter } = engine;
        const other = (await another()).limiter;
        const key = `test:${Math.random()}`;
        for (let i = 0; i < 6; i++) expect(await (i % 2 ? limiter : other).take(key, 6, Date.now())).toBe(0);
        const wait = await limiter.take(key, 6, Date.now());
        expect(wait).toBeGreaterThanOrEqual(1);
        expect(wait).toBeLessThanOrEqual(10);
        expect(await other.take(`${key}:b`, 6, Date.now())).toBe(0);
        expect(await limiter.take(`${key}:z`, 0, Date.now())).toBe(60);
        expect(await limiter.take(`${key}:z`, Infinity, Date.now())).toBe(0);
        // 120/min: one token every 500 ms. Empty the bucket, wait two tokens' worth, and one passes again.
        const fast = `${key}:fast`;
        while ((await limiter.take(fast, 120, Date.now())) === 0);
        await new Promise((resolve) => setTimeout(resolve, 1_100));
        expect(await other.take(fast, 120, Date.now())).toBe(0);
      }, 20_000);

      it('callers whose clocks disagree share one budget (a bucket never goes back in time)', async () => {
        // Issue 16 MEDIUM 1: an instance 2 s behind moved the bucket's clock back, and the next caller refilled it.
        const { limiter } = engine;
        const other = (await another()).limiter;
        const key = `skew:${Math.random()}`;
        const now = Date.now();
        let passed = 0;
        for (let i = 0; i < 120; i++) if ((await (i % 2 ? limiter : other).take(key, 30, i % 2 ? now : now - 2_000)) === 0) passed++;
        // 30 of the burst, one more for the 2 s the claimed clocks span, plus what real time refills (one per 2 s).
        expect(passed).toBeLessThanOrEqual(31 + Math.ceil((Date.now() - now) / 2_000));
      }, 20_000);
    });
  });
}

/** What an engine call may answer while its backend is out of memory or paused (SPEC §8: a 503, never a crash). */
export type FaultOutcome = 'ok' | 'ERR_CAPACITY' | 'ERR_UNAVAILABLE' | 'ERR_OUTCOME_UNKNOWN' | 'other';

/**
 * Every method of the Engine interface, called once each on data made before
 * the fault (`seed`), all at once: the fault contract runs them against a
 * broken backend and asks that each either works or rejects with an
 * EngineError, and that nothing is left behind as an unhandled rejection.
 */
export function everyEngineCall(engine: Engine, seed: { conversationId: string; sessionId: string }): Record<string, () => Promise<unknown>> {
  const { store, bus, limiter } = engine;
  const { conversationId, sessionId } = seed;
  const at = 10_000;
  return {
    getSession: () => store.getSession(sessionId),
    saveSession: () => store.saveSession(session(sessionId, conversationId, at)),
    touchSession: () => store.touchSession(sessionId, at, at + 1_000_000),
    deleteSession: () => store.deleteSession('acme.other-session'),
    getConversation: () => store.getConversation(conversationId),
    upsertExisting: () => store.upsertConversation('acme', 'k-seed', identity('u-seed'), at),
    upsertNew: () => store.upsertConversation('acme', `k-new-${Math.random()}`, identity('u-new'), at),
    setLastPage: () => store.setLastPage(conversationId, { url: 'https://shop.test/' }, at),
    appendMessage: () => store.appendMessage(conversationId, { author: 'agent', body: 'during the fault', clientId: 'fault-reply-1', createdAt: at }),
    appendPlain: () => store.appendMessage(conversationId, { author: 'visitor', body: 'no client id', createdAt: at }),
    listMessages: () => store.listMessages(conversationId),
    listConversations: () => store.listConversations({ community: 'acme', limit: 10 }),
    publish: () => bus.publish('acme', { type: 'conversation', conversationId }),
    take: async () => limiter.take(`fault:${Math.random()}`, 10, Date.now()),
  };
}

/** Runs every call at once and tells what each answered. */
export async function faultOutcomes(calls: Record<string, () => Promise<unknown>>): Promise<Record<string, FaultOutcome>> {
  const names = Object.keys(calls);
  const settled = await Promise.allSettled(names.map((name) => calls[name]!()));
  const out: Record<string, FaultOutcome> = {};
  settled.forEach((result, i) => {
    if (result.status === 'fulfilled') out[names[i]!] = 'ok';
    else {
      const code = isEngineError(result.reason) ? result.reason.code : undefined;
      out[names[i]!] = code ?? 'other';
    }
  });
  return out;
}

export interface FaultFactory {
  /** A fresh engine on a healthy backend. */
  make(): Promise<Engine>;
  /** Breaks the backend: out of memory (writes refused) or paused past the engine's deadline. */
  fault(kind: 'out-of-memory' | 'paused'): Promise<void>;
  /** Heals it. */
  heal(): Promise<void>;
}

/**
 * The fault contract (issue 16 HIGH 1): with its backend out of memory or
 * paused, every engine call works or answers an EngineError — never another
 * error (a 500), never an unhandled rejection (which ends a Node process
 * started with `--unhandled-rejections=strict`, Node's default `throw` too) —
 * and the engine works again once the backend heals.
 */
export function describeEngineFaultContract(name: string, factory: FaultFactory): void {
  describe(`engine fault contract: ${name}`, () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    let engine: Engine;
    beforeEach(async () => {
      unhandled.length = 0;
      process.on('unhandledRejection', onUnhandled);
      engine = await factory.make();
    });
    afterEach(async () => {
      await factory.heal();
      await engine.close();
      process.off('unhandledRejection', onUnhandled);
    });

    it.each(['out-of-memory', 'paused'] as const)('%s: every call works or answers an EngineError, nothing unhandled', async (kind) => {
      const { store } = engine;
      const seeded = await store.upsertConversation('acme', 'k-seed', identity('u-seed'), 1_000);
      await store.appendMessage(seeded.id, { author: 'visitor', body: 'before the fault', clientId: 'before-fault-1', createdAt: 1_000 });
      await store.saveSession(session('acme.seed-session', seeded.id, 1_000));
      await factory.fault(kind);
      const outcomes = await faultOutcomes(everyEngineCall(engine, { conversationId: seeded.id, sessionId: 'acme.seed-session' }));
      // Rejections surface on the next turns of the event loop: give them a few before judging.
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled.map((reason) => String((reason as Error)?.message ?? reason))).toEqual([]);
      for (const outcome of Object.values(outcomes)) expect(['ok', 'ERR_CAPACITY', 'ERR_UNAVAILABLE', 'ERR_OUTCOME_UNKNOWN']).toContain(outcome);
      // Writes cannot succeed on a broken backend: the fault was real.
      expect(outcomes.appendPlain).not.toBe('ok');
      await factory.heal();
      const after = await store.appendMessage(seeded.id, { author: 'agent', body: 'after the fault', clientId: 'after-fault-1', createdAt: 20_000 });
      expect(after?.created).toBe(true);
      expect((await store.listMessages(seeded.id)).map((m) => m.body)).toContain('after the fault');
    }, 30_000);
  });
}
