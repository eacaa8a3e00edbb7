import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isEngineError, type Engine } from '../../../src/server/engine/index.js';
import { createSqliteEngine, type SqliteEngineOptions } from '../../../src/server/engine/sqlite/index.js';
import { describeEngineContract, identity, session } from './contract.js';
import { describeStateContract } from './state-contract.js';

let dir: string;
let files = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chatq-sqlite-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const freshPath = () => join(dir, `t${++files}.db`);

// One process owns a file (SPEC §12): another instance of this engine is the same engine.
describeEngineContract('sqlite', {
  make: async (options) => createSqliteEngine({ path: freshPath(), retention: { ...options } }),
  sibling: async (engine) => ({ ...engine, close: async () => {} }),
});

// SPEC §11 conversation state, and the agent on agent messages: the same rules as memory and Redis.
describeStateContract('sqlite', {
  make: async (options) => createSqliteEngine({ path: freshPath(), retention: { ...options } }),
  sibling: async (engine) => ({ ...engine, close: async () => {} }),
});

describe('sqlite engine', () => {
  const open: Engine[] = [];
  const make = (options: Partial<SqliteEngineOptions> & { path: string }): Engine => {
    const engine = createSqliteEngine(options);
    open.push(engine);
    return engine;
  };
  afterEach(async () => {
    for (const engine of open.splice(0)) await engine.close();
  });

  async function errorOf(promise: Promise<unknown>): Promise<unknown> {
    try {
      await promise;
    } catch (error) {
      return error;
    }
    throw new Error('expected an error');
  }

  describe('a restart on the same file', () => {
    it('keeps conversations, messages, idempotency keys, sessions and rate limits', async () => {
      const path = freshPath();
      const first = make({ path });
      const c = await first.store.upsertConversation('acme', 'signed:u1', identity('u1', { kid: 'k1' }), 1_000);
      await first.store.setLastPage(c.id, { url: 'https://shop.test/cart' }, 1_500);
      for (let i = 1; i <= 3; i++) await first.store.appendMessage(c.id, { author: 'visitor', body: `m${i}`, clientId: `restart-${i}`, createdAt: 2_000 + i });
      await first.store.saveSession(session('acme.s1', c.id, 3_000));
      for (let i = 0; i < 6; i++) await first.limiter.take('acme:addr', 6, 4_000);
      await open.pop()!.close();

      const second = make({ path });
      expect(await second.store.getConversation(c.id)).toMatchObject({ id: c.id, lastSeq: 3, lastPage: { url: 'https://shop.test/cart' }, identity: { kid: 'k1' } });
      expect((await second.store.listMessages(c.id)).map((m) => m.body)).toEqual(['m1', 'm2', 'm3']);
      expect(await second.store.appendMessage(c.id, { author: 'visitor', body: 'm2', clientId: 'restart-2', createdAt: 5_000 })).toMatchObject({ created: false, message: { seq: 2 } });
      expect((await second.store.getSession('acme.s1'))!.conversationId).toBe(c.id);
      expect(await second.limiter.take('acme:addr', 6, 4_000)).toBe(10);
      expect((await second.store.upsertConversation('acme', 'signed:u1', identity('u1'), 6_000)).id).toBe(c.id);
    });
  });

  describe('one process per file', () => {
    it('refuses a second engine on the file in this process, naming the fix; the file is free again after close', async () => {
      const path = freshPath();
      const owner = make({ path });
      let error: unknown;
      try {
        make({ path });
      } catch (caught) {
        error = caught;
      }
      expect(error).toMatchObject({ name: 'MessagingConfigError', code: 'ERR_HANDLER_CONFIG', path: 'path' });
      expect((error as Error).message).toMatch(/in use by another process.*One process per file.*chatq\/redis/s);
      await owner.store.upsertConversation('acme', 'k', identity('u'), 1_000);
      await open.shift()!.close();
      expect(await make({ path }).store.listConversations({ community: 'acme', limit: 5 })).toMatchObject({ conversations: [{ key: 'k' }] });
    });

    it('refuses a second process on the file', async () => {
      const path = freshPath();
      make({ path });
      // The built engine (npm test builds first): a child process cannot load the TypeScript sources.
      const entry = resolve(import.meta.dirname, '../../../dist/sqlite.js');
      const script = `import(${JSON.stringify(entry)}).then((m) => { try { m.createSqliteEngine({ path: ${JSON.stringify(path)} }); console.log('opened'); } catch (e) { console.log(e.code + ' ' + e.message); } });`;
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 });
      expect(stdout).toMatch(/^ERR_HANDLER_CONFIG .*in use by another process.*chatq\/redis/);
    }, 30_000);
  });

  describe('retention and bounds', () => {
    it('deletes conversations idle for conversationIdleMs with their messages and sessions; session use counts as activity', async () => {
      const { store } = make({ path: freshPath(), retention: { conversationIdleMs: 100_000 } });
      const a = await store.upsertConversation('acme', 'a', identity('a'), 0);
      const b = await store.upsertConversation('acme', 'b', identity('b'), 50_000);
      await store.appendMessage(a.id, { author: 'visitor', body: 'hello', createdAt: 10_000 });
      await store.saveSession(session('acme.sb', b.id, 50_000));
      await store.touchSession('acme.sb', 90_000, 10_000_000);
      await store.upsertConversation('acme', 'c', identity('c'), 120_000);
      expect(await store.getConversation(a.id)).toBeUndefined();
      expect(await store.listMessages(a.id)).toEqual([]);
      expect(await store.getConversation(b.id)).toBeDefined();
      await store.upsertConversation('acme', 'd', identity('d'), 200_000);
      expect(await store.getConversation(b.id)).toBeUndefined();
      expect(await store.getSession('acme.sb')).toBeUndefined();
    });

    it('a conversation nobody wrote in lives emptyConversationIdleMs; its first message gives it conversationIdleMs', async () => {
      const { store } = make({ path: freshPath(), retention: { conversationIdleMs: 1_000_000, emptyConversationIdleMs: 100_000 } });
      const empty = await store.upsertConversation('acme', 'empty', identity('e'), 0);
      const talked = await store.upsertConversation('acme', 'talked', identity('t'), 0);
      await store.appendMessage(talked.id, { author: 'visitor', body: 'hello', createdAt: 1 });
      await store.upsertConversation('acme', 'later', identity('l'), 150_000);
      expect(await store.getConversation(empty.id)).toBeUndefined();
      expect(await store.getConversation(talked.id)).toBeDefined();
    });

    it('reads a session past retainUntil as gone', async () => {
      const { store } = make({ path: freshPath() });
      const c = await store.upsertConversation('acme', 'k', identity('u'), 0);
      await store.saveSession(session('acme.old', c.id, 0, { retainUntil: 100 }));
      await store.touchSession('acme.old', 150, 100);
      expect(await store.getSession('acme.old')).toBeUndefined();
    });

    it('at maxBytes: drops conversations nobody wrote in, never one with messages, then refuses with ERR_CAPACITY', async () => {
      const { store } = make({ path: freshPath(), maxBytes: 256 * 1024, retention: { maxMessagesPerConversation: 100_000, maxClientIdsPerConversation: 100_000 } });
      const waiting = await store.upsertConversation('acme', 'waiting', identity('w'), 1_000);
      await store.appendMessage(waiting.id, { author: 'visitor', body: 'my order #123', createdAt: 1_001 });
      const empty = await store.upsertConversation('acme', 'empty', identity('e'), 1_002);
      const flood = await store.upsertConversation('acme', 'flood', identity('f'), 1_003);
      let stored = 0;
      let error: unknown;
      try {
        for (; stored < 100_000; stored++) await store.appendMessage(flood.id, { author: 'visitor', body: 'x'.repeat(200), clientId: `flood-${stored}`, createdAt: 2_000 });
      } catch (caught) {
        error = caught;
      }
      expect(isEngineError(error) && error.code).toBe('ERR_CAPACITY');
      expect(stored).toBeGreaterThan(100);
      expect(stored).toBeLessThan(2_000);
      expect(await store.getConversation(empty.id)).toBeUndefined();
      expect((await store.listMessages(waiting.id)).map((m) => m.body)).toEqual(['my order #123']);
      const again = await errorOf(store.appendMessage(flood.id, { author: 'visitor', body: 'x'.repeat(200), createdAt: 3_000 }));
      expect(isEngineError(again) && again.code).toBe('ERR_CAPACITY');
      // What was acknowledged is all there, in order.
      const kept = await store.listMessages(flood.id);
      expect(kept.map((m) => m.seq)).toEqual(Array.from({ length: stored }, (_, i) => i + 1));
    });
  });

  describe('faults', () => {
    it('a closed engine answers ERR_UNAVAILABLE, not a crash', async () => {
      const engine = make({ path: freshPath() });
      const c = await engine.store.upsertConversation('acme', 'k', identity('u'), 0);
      await engine.close();
      for (const call of [engine.store.appendMessage(c.id, { author: 'visitor', body: 'x', createdAt: 1 }), engine.store.getConversation(c.id), (async () => engine.limiter.take('k', 5, 1))()]) {
        const error = await errorOf(call);
        expect(isEngineError(error) && error.code).toBe('ERR_UNAVAILABLE');
      }
    });

    it('refuses nonsense options with the option named', () => {
      expect(() => createSqliteEngine({ path: '' })).toThrow(/path must be/);
      expect(() => createSqliteEngine({ path: freshPath(), synchronous: 'off' as never })).toThrow(/'normal' or 'full'/);
      expect(() => createSqliteEngine({ path: freshPath(), retention: { maxMessagesPerConversation: 2.5 } })).toThrow(/integer/);
      expect(() => createSqliteEngine({ path: freshPath(), maxBytes: 10 })).toThrow(/maxBytes/);
      expect(() => createSqliteEngine({ path: freshPath(), pth: 'x' } as never)).toThrow(/unknown option "pth"/);
      expect(() => createSqliteEngine({ path: join(dir, 'no-such-folder', 'x.db') })).toThrow(/does its folder exist/);
    });
  });
});
