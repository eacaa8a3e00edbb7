/**
 * The outbox contract (SPEC §12): what every engine's store writes to its
 * outbox, in the same step as the change, and how the outbox keeps delivery
 * state and the lease. A new engine calls describeOutboxContract.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/server/engine/index.js';
import type { Outbox, OutboxEntry } from '../../../src/server/webhooks/types.js';
import { compareIds } from '../../../src/server/webhooks/worker.js';
import { identity } from './contract.js';

export interface OutboxEngineFactory {
  make(): Promise<Engine>;
}

const brief = (entries: OutboxEntry[]) => entries.map(({ type, conversationId, seq, author }) => ({ type, conversationId, seq, ...(author ? { author } : {}) }));

export function describeOutboxContract(name: string, factory: OutboxEngineFactory): void {
  describe(`outbox contract: ${name}`, () => {
    let engine: Engine;
    let outbox: Outbox;
    beforeEach(async () => {
      engine = await factory.make();
      expect(engine.outbox).toBeDefined();
      outbox = engine.outbox!;
    });
    afterEach(async () => {
      await engine.close();
    });

    it('writes nothing for a community without webhooks', async () => {
      const record = await engine.store.upsertConversation('acme', 'signed:a', identity('a'), 1_000);
      await engine.store.appendMessage(record.id, { author: 'visitor', body: 'hi', createdAt: 1_001 });
      outbox.enable('other');
      expect(await outbox.readAfter('acme', undefined, 100)).toEqual([]);
      expect(await outbox.readAfter('other', undefined, 100)).toEqual([]);
    });

    it('writes created once, each new message with its author, no idempotent replay, in write order', async () => {
      outbox.enable('acme');
      const first = await engine.store.upsertConversation('acme', 'signed:a', identity('a'), 1_000);
      await engine.store.upsertConversation('acme', 'signed:a', identity('a'), 1_001); // the same conversation again
      await engine.store.appendMessage(first.id, { author: 'visitor', body: 'hi', clientId: 'c1', createdAt: 1_002 });
      await engine.store.appendMessage(first.id, { author: 'visitor', body: 'hi', clientId: 'c1', createdAt: 1_003 }); // a retry
      await engine.store.appendMessage(first.id, { author: 'agent', body: 'hello', createdAt: 1_004 });
      const second = await engine.store.upsertConversation('acme', 'signed:b', identity('b'), 1_005);
      const entries = await outbox.readAfter('acme', undefined, 100);
      expect(brief(entries)).toEqual([
        { type: 'conversation.created', conversationId: first.id, seq: 0 },
        { type: 'message.created', conversationId: first.id, seq: 1, author: 'visitor' },
        { type: 'message.created', conversationId: first.id, seq: 2, author: 'agent' },
        { type: 'conversation.created', conversationId: second.id, seq: 0 },
      ]);
      expect(entries.map((entry) => entry.at)).toEqual([1_000, 1_002, 1_004, 1_005]);
      for (let i = 1; i < entries.length; i++) expect(compareIds(entries[i - 1]!.id, entries[i]!.id)).toBeLessThan(0);
    });

    it('writes closed and reopened where the status changes, a visitor message reopening too; nothing for other state', async () => {
      outbox.enable('acme');
      const { id } = await engine.store.upsertConversation('acme', 'signed:a', identity('a'), 1_000);
      await engine.store.appendMessage(id, { author: 'visitor', body: 'hi', createdAt: 1_001 });
      await engine.store.updateState(id, { status: 'closed' });
      await engine.store.updateState(id, { status: 'closed' }); // already closed
      await engine.store.updateState(id, { assignee: 'ann', agentReadSeq: 1 });
      await engine.store.appendMessage(id, { author: 'visitor', body: 'one more thing', createdAt: 1_002 });
      await engine.store.noteVisitorMessage(id, 2); // the visitor's message reopens it
      await engine.store.noteVisitorMessage(id, 2);
      await engine.store.updateState(id, { status: 'closed' });
      await engine.store.updateState(id, { status: 'open' }); // an agent reopens it
      expect(brief(await outbox.readAfter('acme', undefined, 100))).toEqual([
        { type: 'conversation.created', conversationId: id, seq: 0 },
        { type: 'message.created', conversationId: id, seq: 1, author: 'visitor' },
        { type: 'conversation.closed', conversationId: id, seq: 1 },
        { type: 'message.created', conversationId: id, seq: 2, author: 'visitor' },
        { type: 'conversation.reopened', conversationId: id, seq: 2 },
        { type: 'conversation.closed', conversationId: id, seq: 2 },
        { type: 'conversation.reopened', conversationId: id, seq: 2 },
      ]);
    });

    it('reads after a cursor, a page at a time, and forgets what was trimmed', async () => {
      outbox.enable('acme');
      const record = await engine.store.upsertConversation('acme', 'signed:a', identity('a'), 1_000);
      for (let i = 0; i < 5; i++) await engine.store.appendMessage(record.id, { author: 'visitor', body: `m${i}`, createdAt: 1_001 + i });
      const page = await outbox.readAfter('acme', undefined, 2);
      expect(page.map((entry) => entry.seq)).toEqual([0, 1]);
      const next = await outbox.readAfter('acme', page[1]!.id, 2);
      expect(next.map((entry) => entry.seq)).toEqual([2, 3]);
      await outbox.trim('acme', next[0]!.id);
      expect((await outbox.readAfter('acme', undefined, 100)).map((entry) => entry.seq)).toEqual([3, 4, 5]);
      expect((await outbox.readAfter('acme', next[1]!.id, 100)).map((entry) => entry.seq)).toEqual([4, 5]);
      // Everything trimmed, then a new entry: it still comes after the old cursor (ids are never reused).
      const last = (await outbox.readAfter('acme', undefined, 100)).at(-1)!.id;
      await outbox.trim('acme', last);
      expect(await outbox.readAfter('acme', undefined, 100)).toEqual([]);
      await engine.store.appendMessage(record.id, { author: 'agent', body: 'later', createdAt: 2_000 });
      expect((await outbox.readAfter('acme', last, 100)).map((entry) => entry.seq)).toEqual([6]);
    });

    it('keeps each endpoint its own delivery state', async () => {
      outbox.enable('acme');
      expect(await outbox.loadState('acme', 'e1')).toBeUndefined();
      const state = { cursor: '7', parked: [], unanswered: [{ conversationId: 'x', seq: 1, dueAt: 5 }], notified: ['y'] };
      await outbox.saveState('acme', 'e1', state);
      await outbox.saveState('acme', 'e2', { parked: [], unanswered: [], notified: [], disabledAt: 9 });
      expect(await outbox.loadState('acme', 'e1')).toEqual(state);
      expect((await outbox.loadState('acme', 'e2'))?.disabledAt).toBe(9);
    });

    it('leases to one holder at a time: renewed by it, taken by another once it lapsed', async () => {
      outbox.enable('acme');
      expect(await outbox.lease('acme', 'A', 300)).toBe(true);
      expect(await outbox.lease('acme', 'B', 300)).toBe(false);
      expect(await outbox.lease('acme', 'A', 300)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await outbox.lease('acme', 'B', 60_000)).toBe(true);
      expect(await outbox.lease('acme', 'A', 300)).toBe(false);
    });
  });
}
