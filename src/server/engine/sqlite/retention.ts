import type { Database } from './database.js';
import type { SqliteValue } from './driver.js';

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
 * again. In steps of SWEEP_BATCH conversations, each committed with the writes of its turn.
 */
export async function sweep(db: Database, now: number, idleBefore: number): Promise<void> {
  const communities = await db.read(() => db.statement('SELECT DISTINCT community FROM conversations').all());
  for (const { community } of communities) {
    let after: SqliteValue[] = [-Infinity, ''];
    for (;;) {
      const found = await db.write(() => {
        // Candidates by updated_at (indexed); active_at, never older, decides.
        const candidates = db
          .statement('SELECT id, updated_at, active_at FROM conversations WHERE community = ? AND updated_at < ? AND (updated_at, id) > (?, ?) ORDER BY updated_at, id LIMIT ?')
          .all(community!, idleBefore, ...after, SWEEP_BATCH);
        for (const row of candidates) if (Number(row.active_at) < idleBefore) deleteConversation(db, String(row.id));
        const last = candidates[candidates.length - 1];
        if (last) after = [last.updated_at!, last.id!];
        return candidates.length;
      });
      if (found < SWEEP_BATCH) break;
    }
  }
  await db.write(() => {
    db.statement('DELETE FROM sessions WHERE retain_until <= ?').run(now);
    db.statement('DELETE FROM rate_buckets WHERE at <= ?').run(now - 60_000);
  });
}

/**
 * Makes room in a file at its maxBytes as the memory store does: drops
 * conversations nobody wrote in yet (least recently active first, never
 * `keep`), then expired sessions. A conversation that holds messages is never
 * dropped before its idle time. Returns whether anything was freed.
 */
export function makeRoom(db: Database, now: number, keep?: string): Promise<boolean> {
  return db.write(() => {
    const empties = db.statement('SELECT id FROM conversations WHERE last_seq = 0 AND id != ? ORDER BY active_at LIMIT ?').all(keep ?? '', ROOM_BATCH);
    for (const row of empties) deleteConversation(db, String(row.id));
    const sessions = db.statement('DELETE FROM sessions WHERE retain_until <= ?').run(now);
    return empties.length > 0 || Number(sessions.changes) > 0;
  });
}
