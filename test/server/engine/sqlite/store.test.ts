import { describe, expect, it } from 'vitest';
import type { Database } from '../../../../src/server/engine/sqlite/database.js';
import type { SqliteRetention } from '../../../../src/server/engine/sqlite/options.js';
import { SqliteOutbox } from '../../../../src/server/engine/sqlite/outbox.js';
import { createSqliteStore } from '../../../../src/server/engine/sqlite/store.js';
import { identity, session } from '../contract.js';
import { column, retention, sqliteFiles } from './fixture.js';

const files = sqliteFiles();

/** A store on a new file, with its database. */
function open(bounds: Partial<SqliteRetention> = {}, outbox = false) {
  const db = files.open();
  const log = outbox ? new SqliteOutbox(db, () => 0) : undefined;
  log?.enable('acme');
  return { db, store: createSqliteStore(db, retention(bounds), log), outbox: log };
}

/** Appends `count` visitor messages with clientIds `c<seq>`, at createdAt = seq. */
async function appendMany(store: ReturnType<typeof open>['store'], conversationId: string, count: number): Promise<void> {
  for (let seq = 1; seq <= count; seq++) await store.appendMessage(conversationId, { author: 'visitor', body: `m${seq}`, clientId: `c${seq}`, createdAt: seq });
}
const rowCount = (db: Database, table: string) => Number(column(db, `SELECT count(*) FROM ${table}`)[0]);

describe('the SQLite store keeps its history in bulk-trimmed rows', () => {
  it('shows the newest maxMessagesPerConversation at once, and deletes older rows a tenth of the bound at a time', async () => {
    const { db, store } = open({ maxMessagesPerConversation: 10 });
    const c = await store.upsertConversation('acme', 'k', identity('u'), 0);
    await appendMany(store, c.id, 11);
    expect((await store.listMessages(c.id)).map((m) => m.seq)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(rowCount(db, 'messages')).toBe(11);
    await appendMany(store, c.id, 12);
    expect(rowCount(db, 'messages')).toBe(10);
    expect(column(db, 'SELECT trimmed_seq FROM conversations')).toEqual(['2']);
  });

  it('forgets idempotency keys past maxClientIdsPerConversation in bulk, oldest first', async () => {
    const { db, store } = open({ maxMessagesPerConversation: 100, maxClientIdsPerConversation: 10 });
    const c = await store.upsertConversation('acme', 'k', identity('u'), 0);
    await appendMany(store, c.id, 11);
    expect(rowCount(db, 'client_ids')).toBe(11);
    await store.appendMessage(c.id, { author: 'visitor', body: 'm12', clientId: 'c12', createdAt: 12 });
    expect(rowCount(db, 'client_ids')).toBe(10);
    expect(column(db, 'SELECT client_ids FROM conversations')).toEqual(['10']);
    expect(await store.appendMessage(c.id, { author: 'visitor', body: 'm1 again', clientId: 'c1', createdAt: 13 })).toMatchObject({ created: true, message: { seq: 13 } });
    expect(await store.appendMessage(c.id, { author: 'visitor', body: 'm3', clientId: 'c3', createdAt: 14 })).toMatchObject({ created: false, message: { seq: 3 } });
  });

  it('a retry of a message that left the history is rebuilt from its key and the retry’s body and agent', async () => {
    const { store } = open({ maxMessagesPerConversation: 2 });
    const c = await store.upsertConversation('acme', 'k', identity('u'), 0);
    const first = await store.appendMessage(c.id, { author: 'agent', agent: { id: 'ana', name: 'Ana' }, body: 'hello', clientId: 'a1', createdAt: 1 });
    for (let i = 2; i <= 5; i++) await store.appendMessage(c.id, { author: 'visitor', body: `m${i}`, createdAt: i });
    const retry = await store.appendMessage(c.id, { author: 'agent', agent: { id: 'ana', name: 'Ana' }, body: 'hello (sent again)', clientId: 'a1', createdAt: 99 });
    expect(retry).toEqual({ created: false, message: { ...first!.message, body: 'hello (sent again)' } });
    expect(await store.listMessages(c.id)).toHaveLength(2);
  });

  it('lists within what is kept: limit 0, fractional and infinite bounds, an unknown conversation', async () => {
    const { store } = open({ maxMessagesPerConversation: 10 });
    const c = await store.upsertConversation('acme', 'k', identity('u'), 0);
    await appendMany(store, c.id, 11);
    const seqs = async (options: Parameters<typeof store.listMessages>[1]) => (await store.listMessages(c.id, options)).map((m) => m.seq);
    expect(await seqs({ limit: 0 })).toEqual([]);
    expect(await seqs({ afterSeq: 0, limit: 2 })).toEqual([2, 3]);
    expect(await seqs({ beforeSeq: 4.5 })).toEqual([2, 3, 4]);
    expect(await seqs({ afterSeq: 9.5, beforeSeq: Infinity })).toEqual([10, 11]);
    expect(await seqs({ limit: 2.7 })).toEqual([10, 11]);
    expect(await store.listMessages(`acme.${crypto.randomUUID()}`)).toEqual([]);
  });

  it('counts unread among the kept messages only, not rows waiting for the bulk trim', async () => {
    const { store } = open({ maxMessagesPerConversation: 10 });
    const c = await store.upsertConversation('acme', 'k', identity('u'), 0);
    await appendMany(store, c.id, 11);
    expect((await store.updateState(c.id, { agentReadSeq: 0 }))!.state!.unread).toBe(10);
    expect((await store.updateState(c.id, { agentReadSeq: 8 }))!.state!.unread).toBe(3);
  });
});

describe('time: the newest instant given drives retention', () => {
  it('goes on from the file’s newest activity when opened again: an expired session reads as gone at once', async () => {
    const { db, store } = open();
    const c = await store.upsertConversation('acme', 'k', identity('u'), 1_000);
    await store.saveSession(session('acme.s', c.id, 1_000, { retainUntil: 50_000 }));
    await store.upsertConversation('acme', 'later', identity('l'), 60_000);
    const reopened = createSqliteStore(db, retention());
    expect(await reopened.getSession('acme.s')).toBeUndefined();
  });

  it('sweeps every tenth of the idle time when that is under a minute', async () => {
    const { store } = open({ conversationIdleMs: 1_000, emptyConversationIdleMs: 1_000 });
    const idle = await store.upsertConversation('acme', 'idle', identity('i'), 0); // swept at 0
    await store.upsertConversation('acme', 'b', identity('b'), 950); // swept at 950: nothing idle yet
    await store.upsertConversation('acme', 'c', identity('c'), 1_001); // idle now, but not 100 since the last sweep
    expect(await store.getConversation(idle.id)).toBeDefined();
    await store.upsertConversation('acme', 'd', identity('d'), 1_050);
    expect(await store.getConversation(idle.id)).toBeUndefined();
  });

  it('a touch of an expired or unknown session changes nothing', async () => {
    const { db, store } = open();
    const c = await store.upsertConversation('acme', 'k', identity('u'), 0);
    await store.saveSession(session('acme.s', c.id, 0, { retainUntil: 100 }));
    await store.upsertConversation('acme', 'k2', identity('u2'), 200);
    await store.touchSession('acme.s', 200, 10_000);
    await store.touchSession('acme.none', 200, 10_000);
    expect(column(db, 'SELECT retain_until FROM sessions')).toEqual(['100']);
    expect(await store.setLastPage(`acme.${crypto.randomUUID()}`, { url: 'https://shop.test/' }, 300)).toBeUndefined();
  });
});

describe('the outbox, in the transaction of the change (SPEC §12)', () => {
  it('conversation.created, message.created with its author (not for a retry), closed and reopened at the store clock', async () => {
    const { store, outbox } = open({}, true);
    const c = await store.upsertConversation('acme', 'k', identity('u'), 1_000);
    await store.appendMessage(c.id, { author: 'visitor', body: 'hi', clientId: 'c1', createdAt: 2_000 });
    await store.appendMessage(c.id, { author: 'visitor', body: 'hi', clientId: 'c1', createdAt: 2_500 });
    await store.updateState(c.id, { status: 'closed' });
    await store.updateState(c.id, { status: 'closed', assignee: 'ana' });
    await store.noteVisitorMessage(c.id, 2);
    const entries = (await outbox!.readAfter('acme', undefined, 10)).map(({ id: _id, ...entry }) => entry);
    expect(entries).toEqual([
      { type: 'conversation.created', conversationId: c.id, seq: 0, at: 1_000 },
      { type: 'message.created', conversationId: c.id, seq: 1, at: 2_000, author: 'visitor' },
      { type: 'conversation.closed', conversationId: c.id, seq: 1, at: 2_500 },
      { type: 'conversation.reopened', conversationId: c.id, seq: 1, at: 2_500 },
    ]);
  });
});
