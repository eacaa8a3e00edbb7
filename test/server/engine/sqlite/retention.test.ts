import { describe, expect, it } from 'vitest';
import type { Database } from '../../../../src/server/engine/sqlite/database.js';
import { capSessions, deleteConversation, makeRoom, makeRoomFor, sweep } from '../../../../src/server/engine/sqlite/retention.js';
import { column, insertConversation, insertSession, retention, sqliteFiles } from './fixture.js';

const files = sqliteFiles();
const conversations = (db: Database) => column(db, 'SELECT id FROM conversations');
const sessions = (db: Database) => column(db, 'SELECT id FROM sessions');

/** A conversation with one message, one idempotency key and one session. */
async function talked(db: Database, id: string, activeAt: number, owner = ''): Promise<void> {
  await insertConversation(db, id, { activeAt, lastSeq: 1, owner });
  await db.write(() => {
    db.statement("INSERT INTO messages (conversation_id, seq, id, author, body, created_at) VALUES (?, 1, 'm', 'visitor', 'hi', 0)").run(id);
    db.statement("INSERT INTO client_ids (conversation_id, author, client_id, seq, id, created_at) VALUES (?, 'visitor', 'c1', 1, 'm', 0)").run(id);
  });
  await insertSession(db, `${id}.s`, id, activeAt);
}

/** A new file with these conversations, each with a message (id, last activity, owner). */
async function fileWith(...rows: [string, number, string][]): Promise<Database> {
  const db = files.open();
  for (const [id, activeAt, owner] of rows) await talked(db, id, activeAt, owner);
  return db;
}

describe('deleteConversation', () => {
  it('deletes the conversation with its messages, idempotency keys and sessions, nothing of another', async () => {
    const db = files.open();
    await talked(db, 'acme.a', 0);
    await talked(db, 'acme.b', 0);
    await db.write(() => deleteConversation(db, 'acme.a'));
    expect(conversations(db)).toEqual(['acme.b']);
    expect(column(db, 'SELECT conversation_id FROM messages')).toEqual(['acme.b']);
    expect(column(db, 'SELECT conversation_id FROM client_ids')).toEqual(['acme.b']);
    expect(sessions(db)).toEqual(['acme.b.s']);
  });
});

describe('sweep (SPEC §8: nothing grows without bound)', () => {
  const idle = retention({ conversationIdleMs: 100_000, emptyConversationIdleMs: 10_000 });

  it('deletes conversations idle past conversationIdleMs, empty ones past emptyConversationIdleMs; activity decides, not updatedAt', async () => {
    const db = files.open();
    await talked(db, 'acme.idle', 0);
    await talked(db, 'acme.used', 0);
    await db.write(() => db.statement("UPDATE conversations SET active_at = 95000 WHERE id = 'acme.used'").run());
    await insertConversation(db, 'acme.empty-old', { activeAt: 90_000 });
    await insertConversation(db, 'acme.empty-new', { activeAt: 90_001 });
    await insertConversation(db, 'globex.idle', { activeAt: 0, lastSeq: 3, community: 'globex' });
    await sweep(db, 100_001, idle);
    expect(conversations(db)).toEqual(['acme.empty-new', 'acme.used']);
    expect(column(db, 'SELECT conversation_id FROM messages')).toEqual(['acme.used']);
  });

  it('an empty conversation never outlives one with messages', async () => {
    const db = files.open();
    await insertConversation(db, 'acme.empty', { activeAt: 0 });
    await sweep(db, 100_000, retention({ conversationIdleMs: 50_000, emptyConversationIdleMs: 200_000 }));
    expect(conversations(db)).toEqual([]);
  });

  it('deletes sessions past retainUntil and rate buckets a minute old', async () => {
    const db = files.open();
    await insertConversation(db, 'acme.c', { activeAt: 100_000 });
    await insertSession(db, 'expired', 'acme.c', 0, 100_000);
    await insertSession(db, 'kept', 'acme.c', 0, 100_001);
    await db.write(() => {
      db.statement("INSERT INTO rate_buckets (key, tokens, at) VALUES ('full', 1, 40000), ('recent', 0, 40001)").run();
    });
    await sweep(db, 100_000, idle);
    expect(sessions(db)).toEqual(['kept']);
    expect(column(db, 'SELECT key FROM rate_buckets')).toEqual(['recent']);
  });

  it('goes through more candidates than one step holds (500 a step)', async () => {
    const db = files.open();
    await db.write(() => {
      db.statement(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200) INSERT INTO conversations (id, community, key, identity, created_at, updated_at, active_at, last_seq, epoch) SELECT 'acme.' || i, 'acme', 'k' || i, '{}', 0, i % 7, CASE WHEN i % 100 = 0 THEN 150000 ELSE i % 7 END, 1, 'e' FROM n",
      ).run();
    });
    await sweep(db, 200_000, idle);
    expect(conversations(db)).toHaveLength(12);
  });
});

describe('makeRoomFor: one address’s quota', () => {
  const quota = retention({ maxConversationsPerAddress: 2, evictIdleAfterMs: 1_000 });

  it('does nothing under the quota, or for an unknown address', async () => {
    const db = files.open();
    await talked(db, 'acme.a', 0, '10.0.0.1');
    await talked(db, 'acme.b', 0);
    await talked(db, 'acme.c', 0);
    await db.write(() => makeRoomFor(db, '10.0.0.1', 5_000, quota));
    await db.write(() => makeRoomFor(db, '', 5_000, quota));
    expect(conversations(db)).toHaveLength(3);
  });

  it('at the quota drops its own oldest empty conversation first, even one in use', async () => {
    const db = files.open();
    await talked(db, 'acme.idle', 0, '10.0.0.1');
    await insertConversation(db, 'acme.empty', { activeAt: 4_999, owner: '10.0.0.1' });
    await db.write(() => makeRoomFor(db, '10.0.0.1', 5_000, quota));
    expect(conversations(db)).toEqual(['acme.idle']);
  });

  it('else its least recently active one idle for evictIdleAfterMs, else refuses with ERR_CAPACITY', async () => {
    const db = await fileWith(['acme.older', 3_000, '10.0.0.1'], ['acme.newer', 3_500, '10.0.0.1'], ['acme.other-address', 0, '10.0.0.2']);
    await db.write(() => makeRoomFor(db, '10.0.0.1', 4_000, quota));
    expect(conversations(db)).toEqual(['acme.newer', 'acme.other-address']);
    await talked(db, 'acme.latest', 3_900, '10.0.0.1');
    const refusal = db.write(() => makeRoomFor(db, '10.0.0.1', 4_000, quota));
    await expect(refusal).rejects.toMatchObject({ name: 'EngineError', code: 'ERR_CAPACITY', retryAfter: 60, message: 'This address already holds 2 conversations: try again later.' });
  });
});

describe('capSessions', () => {
  it('keeps at most max sessions: the least recently seen of the others end, never the one kept', async () => {
    const db = files.open();
    await insertConversation(db, 'acme.c');
    await insertSession(db, 'oldest-but-kept', 'acme.c', 1);
    await insertSession(db, 'old', 'acme.c', 2);
    await insertSession(db, 'mid', 'acme.c', 3);
    await insertSession(db, 'new', 'acme.c', 4);
    await insertSession(db, 'elsewhere', 'acme.other', 0);
    await db.write(() => capSessions(db, 'acme.c', 'oldest-but-kept', 2));
    expect(sessions(db)).toEqual(['elsewhere', 'new', 'oldest-but-kept']);
    await db.write(() => capSessions(db, 'acme.c', 'new', 2));
    expect(sessions(db)).toEqual(['elsewhere', 'new', 'oldest-but-kept']);
  });
});

describe('makeRoom: a file at maxBytes', () => {
  const room = retention({ evictIdleAfterMs: 1_000 });

  it('drops conversations nobody wrote in first (never `keep`), with expired sessions, and says so', async () => {
    const db = files.open();
    await talked(db, 'acme.talked', 0, 'a');
    await insertConversation(db, 'acme.empty', { activeAt: 4_999 });
    await insertConversation(db, 'acme.kept', { activeAt: 0 });
    await insertSession(db, 'expired', 'acme.talked', 0, 5_000);
    expect(await makeRoom(db, 5_000, room, 'acme.kept')).toBe(true);
    expect(conversations(db)).toEqual(['acme.kept', 'acme.talked']);
    expect(sessions(db)).toEqual(['acme.talked.s']);
  });

  it('with no empty one, the idle ones of the address holding the most', async () => {
    const db = await fileWith(['acme.busy-idle', 0, 'busy'], ['acme.busy-active', 4_500, 'busy'], ['acme.busy-kept', 0, 'busy'], ['acme.quiet-idle', 0, 'quiet']);
    expect(await makeRoom(db, 5_000, room, 'acme.busy-kept')).toBe(true);
    expect(conversations(db)).toEqual(['acme.busy-active', 'acme.busy-kept', 'acme.quiet-idle']);
  });

  it('frees nothing when every conversation is in use: false', async () => {
    const db = files.open();
    await talked(db, 'acme.active', 4_500, 'a');
    expect(await makeRoom(db, 5_000, room)).toBe(false);
    expect(conversations(db)).toEqual(['acme.active']);
  });
});
