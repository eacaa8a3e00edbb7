import { describe, expect, it } from 'vitest';
import type { Database } from '../../../../src/server/engine/sqlite/database.js';
import { OUTBOX_MAX_ENTRIES, SqliteOutbox } from '../../../../src/server/engine/sqlite/outbox.js';
import { column, sqliteFiles } from './fixture.js';

const files = sqliteFiles();
const created = (conversationId: string, at = 1) => ({ type: 'conversation.created' as const, conversationId, seq: 0, at });
/** Records inside a write, as the store does. */
const record = (db: Database, outbox: SqliteOutbox, community: string, ...entries: Parameters<SqliteOutbox['record']>[1][]) => db.write(() => entries.forEach((entry) => outbox.record(community, entry)));

describe('the SQLite outbox (SPEC §12)', () => {
  it('is durable, and records only for the communities with webhooks', async () => {
    const db = files.open();
    const outbox = new SqliteOutbox(db);
    expect(outbox.durable).toBe(true);
    await record(db, outbox, 'acme', created('acme.c0'));
    outbox.enable('acme');
    await record(db, outbox, 'acme', created('acme.c1'));
    await record(db, outbox, 'globex', created('globex.c1'));
    expect(column(db, 'SELECT conversation_id FROM outbox')).toEqual(['acme.c1']);
  });

  it('reads entries after a cursor, in order, a page at a time; author only where there is one', async () => {
    const db = files.open();
    const outbox = new SqliteOutbox(db);
    outbox.enable('acme');
    await record(db, outbox, 'acme', created('acme.c1', 10), { type: 'message.created', conversationId: 'acme.c1', seq: 1, at: 11, author: 'visitor' }, created('acme.c2', 12));
    const all = await outbox.readAfter('acme', undefined, 10);
    expect(all).toEqual([
      { id: '1', type: 'conversation.created', conversationId: 'acme.c1', seq: 0, at: 10 },
      { id: '2', type: 'message.created', conversationId: 'acme.c1', seq: 1, at: 11, author: 'visitor' },
      { id: '3', type: 'conversation.created', conversationId: 'acme.c2', seq: 0, at: 12 },
    ]);
    expect((await outbox.readAfter('acme', '1', 1)).map((entry) => entry.id)).toEqual(['2']);
    expect(await outbox.readAfter('acme', '3', 10)).toEqual([]);
    expect(await outbox.readAfter('globex', undefined, 10)).toEqual([]);
  });

  it('trims up to a cursor; ids are never reused, even once every entry is gone', async () => {
    const db = files.open();
    const outbox = new SqliteOutbox(db);
    outbox.enable('acme');
    await record(db, outbox, 'acme', created('acme.c1'), created('acme.c2'));
    await outbox.trim('acme', '2');
    expect(await outbox.readAfter('acme', undefined, 10)).toEqual([]);
    await record(db, outbox, 'acme', created('acme.c3'));
    expect((await outbox.readAfter('acme', undefined, 10)).map((entry) => entry.id)).toEqual(['3']);
  });

  it(`keeps at most ${OUTBOX_MAX_ENTRIES} entries per community, enforced every 1000th entry`, async () => {
    const db = files.open();
    const outbox = new SqliteOutbox(db);
    outbox.enable('acme');
    // Entries 1..100 998 (one of another community), as a receiver down for long would leave them.
    await db.write(() => {
      db.statement(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100998) INSERT INTO outbox (community, type, conversation_id, seq, at) SELECT CASE i WHEN 7 THEN 'globex' ELSE 'acme' END, 'conversation.created', 'c' || i, 0, i FROM n",
      ).run();
    });
    await record(db, outbox, 'acme', created('acme.999'));
    expect(column(db, "SELECT count(*) FROM outbox WHERE community = 'acme'")).toEqual(['100998']);
    await record(db, outbox, 'acme', created('acme.1000'));
    expect(column(db, "SELECT count(*) FROM outbox WHERE community = 'acme'")).toEqual([String(OUTBOX_MAX_ENTRIES)]);
    expect((await outbox.readAfter('acme', undefined, 1))[0]!.id).toBe('1001');
    expect(column(db, "SELECT id FROM outbox WHERE community = 'globex'")).toEqual(['7']);
  });

  it('keeps each endpoint its own delivery state', async () => {
    const db = files.open();
    const outbox = new SqliteOutbox(db);
    const state = { cursor: '5', parked: [], unanswered: [], notified: ['acme.c1'] };
    await outbox.saveState('acme', 'https://a.test/hook', state);
    expect(await outbox.loadState('acme', 'https://a.test/hook')).toEqual(state);
    expect(await outbox.loadState('acme', 'https://b.test/hook')).toBeUndefined();
    await outbox.saveState('acme', 'https://a.test/hook', { ...state, cursor: '9' });
    expect((await outbox.loadState('acme', 'https://a.test/hook'))!.cursor).toBe('9');
  });
});

describe('the delivery lease, on the outbox’s clock', () => {
  it('one holder at a time: renewed by it, refused to another until it lapses', async () => {
    let now = 1_000;
    const db = files.open();
    const outbox = new SqliteOutbox(db, () => now);
    expect(await outbox.lease('acme', 'worker-a', 5_000)).toBe(true);
    expect(await outbox.lease('acme', 'worker-b', 5_000)).toBe(false);
    expect(await outbox.lease('globex', 'worker-b', 5_000)).toBe(true);
    now = 5_999;
    expect(await outbox.lease('acme', 'worker-a', 5_000)).toBe(true); // renewed until 10 999
    now = 10_998;
    expect(await outbox.lease('acme', 'worker-b', 5_000)).toBe(false);
    now = 10_999;
    expect(await outbox.lease('acme', 'worker-b', 5_000)).toBe(true);
  });

  it('a lease left in the file by a process that is gone is void when the file is opened again', async () => {
    const path = files.path();
    const first = files.open({ path });
    expect(await new SqliteOutbox(first, () => 0).lease('acme', 'gone', 60_000)).toBe(true);
    first.close();
    expect(await new SqliteOutbox(files.open({ path }), () => 1).lease('acme', 'new', 60_000)).toBe(true);
  });
});
