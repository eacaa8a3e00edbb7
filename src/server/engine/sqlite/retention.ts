import { EngineError } from '../types.js';
import type { Database } from './database.js';
import type { SqliteValue } from './driver.js';
import type { SqliteRetention } from './options.js';

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
 * conversations idle for conversationIdleMs (emptyConversationIdleMs when
 * nobody wrote in them) with their messages and sessions, sessions past
 * `retainUntil`, and rate-limit buckets that are full again. In steps of
 * SWEEP_BATCH conversations, each committed with the writes of its turn.
 */
export async function sweep(db: Database, now: number, retention: SqliteRetention): Promise<void> {
  const idleBefore = now - retention.conversationIdleMs;
  // An empty conversation never outlives one with messages.
  const emptyBefore = now - Math.min(retention.emptyConversationIdleMs, retention.conversationIdleMs);
  const candidatesBefore = Math.max(idleBefore, emptyBefore);
  const communities = await db.read(() => db.statement('SELECT DISTINCT community FROM conversations').all());
  for (const { community } of communities) {
    let after: SqliteValue[] = [-Infinity, ''];
    for (;;) {
      const found = await db.write(() => {
        // Candidates by updated_at (indexed); active_at, never older, decides.
        const candidates = db
          .statement(
            'SELECT id, updated_at, active_at, last_seq FROM conversations WHERE community = ? AND updated_at < ? AND (updated_at, id) > (?, ?) ORDER BY updated_at, id LIMIT ?',
          )
          .all(community!, candidatesBefore, ...after, SWEEP_BATCH);
        for (const row of candidates) {
          if (Number(row.active_at) < (Number(row.last_seq) === 0 ? emptyBefore : idleBefore)) deleteConversation(db, String(row.id));
        }
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
 * One address's quota (run inside the write that creates its conversation):
 * at the cap its own oldest empty conversation makes room, else its least
 * recently active one idle for evictIdleAfterMs, else ERR_CAPACITY. An
 * address cannot hold more, and is never locked out by its own past.
 */
export function makeRoomFor(db: Database, owner: string, now: number, retention: SqliteRetention): void {
  if (owner === '') return;
  const held = Number(db.statement("SELECT count(*) AS n FROM conversations WHERE owner = ? AND owner != ''").get(owner)?.n ?? 0);
  if (held < retention.maxConversationsPerAddress) return;
  const victim =
    db.statement("SELECT id FROM conversations WHERE owner = ? AND owner != '' AND last_seq = 0 ORDER BY active_at LIMIT 1").get(owner) ??
    db.statement("SELECT id FROM conversations WHERE owner = ? AND owner != '' AND active_at <= ? ORDER BY active_at LIMIT 1").get(owner, now - retention.evictIdleAfterMs);
  if (!victim) {
    throw new EngineError('ERR_CAPACITY', `This address already holds ${retention.maxConversationsPerAddress} conversations: try again later.`, 60);
  }
  deleteConversation(db, String(victim.id));
}

/** At most maxSessionsPerConversation sessions: the least recently seen of the others end. */
export function capSessions(db: Database, conversationId: string, keep: string, max: number): void {
  const held = Number(db.statement('SELECT count(*) AS n FROM sessions WHERE conversation_id = ?').get(conversationId)?.n ?? 0);
  if (held <= max) return;
  db.statement('DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE conversation_id = ? AND id != ? ORDER BY last_seen_at LIMIT ?)').run(conversationId, keep, held - max);
}

/**
 * Makes room in a file at its maxBytes as the memory store does: drops
 * conversations nobody wrote in yet (least recently active first), else the
 * idle ones (evictIdleAfterMs) of the address holding the most, then expired
 * sessions; never `keep`, never one whose visitor is there. Returns whether
 * anything was freed.
 */
export function makeRoom(db: Database, now: number, retention: SqliteRetention, keep = ''): Promise<boolean> {
  return db.write(() => {
    let victims = db.statement('SELECT id FROM conversations WHERE last_seq = 0 AND id != ? ORDER BY active_at LIMIT ?').all(keep, ROOM_BATCH);
    if (victims.length === 0) {
      const busiest = db.statement("SELECT owner FROM conversations WHERE owner != '' GROUP BY owner ORDER BY count(*) DESC LIMIT 1").get();
      if (busiest) {
        victims = db
          .statement("SELECT id FROM conversations WHERE owner = ? AND owner != '' AND id != ? AND active_at <= ? ORDER BY active_at LIMIT ?")
          .all(busiest.owner!, keep, now - retention.evictIdleAfterMs, ROOM_BATCH);
      }
    }
    for (const row of victims) deleteConversation(db, String(row.id));
    const sessions = db.statement('DELETE FROM sessions WHERE retain_until <= ?').run(now);
    return victims.length > 0 || Number(sessions.changes) > 0;
  });
}
