import type { Database } from './database.js';

/** Rows deleted per sweep step: a sweep never holds the file for long. */
const SWEEP_BATCH = 500;
/** Empty conversations dropped per attempt to make room. */
const ROOM_BATCH = 64;

/**
 * Deletes a conversation with everything that hangs off it. Run inside a
 * transaction. The outbox (SPEC §12) will keep its events: they outlive the
 * conversation they report.
 */
export function deleteConversation(db: Database, id: string): void {
  db.statement('DELETE FROM messages WHERE conversation_id = ?').run(id);
  db.statement('DELETE FROM client_ids WHERE conversation_id = ?').run(id);
  db.statement('DELETE FROM sessions WHERE conversation_id = ?').run(id);
  db.statement('DELETE FROM conversations WHERE id = ?').run(id);
}

/**
 * Forgets what retention allows (SPEC §8 "nothing grows without bound"):
 * conversations idle since before `idleBefore` with their messages and
 * sessions, sessions past `retainUntil`, and rate-limit buckets that are full
 * again. In batches, each its own transaction.
 */
export function sweep(db: Database, now: number, idleBefore: number): void {
  for (;;) {
    const idle = db.statement('SELECT id FROM conversations WHERE active_at < ? ORDER BY active_at LIMIT ?').all(idleBefore, SWEEP_BATCH);
    if (idle.length > 0) db.transaction(() => idle.forEach((row) => deleteConversation(db, String(row.id))));
    if (idle.length < SWEEP_BATCH) break;
  }
  db.transaction(() => db.statement('DELETE FROM sessions WHERE retain_until <= ?').run(now));
  db.relaxedTransaction(() => db.statement('DELETE FROM rate_buckets WHERE at <= ?').run(now - 60_000));
}

/**
 * Makes room in a file at its maxBytes as the memory store does: drops
 * conversations nobody wrote in yet (least recently active first, never
 * `keep`), then expired sessions. A conversation that holds messages is never
 * dropped before its idle time. Returns whether anything was freed.
 */
export function makeRoom(db: Database, now: number, keep?: string): boolean {
  return db.transaction(() => {
    const empties = db.statement('SELECT id FROM conversations WHERE last_seq = 0 AND id != ? ORDER BY active_at LIMIT ?').all(keep ?? '', ROOM_BATCH);
    for (const row of empties) deleteConversation(db, String(row.id));
    const sessions = db.statement('DELETE FROM sessions WHERE retain_until <= ?').run(now);
    return empties.length > 0 || Number(sessions.changes) > 0;
  });
}
