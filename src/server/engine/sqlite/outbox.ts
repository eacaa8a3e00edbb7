import type { Author } from '../../../identity/index.js';
import type { DeliveryState, Outbox, OutboxEntry } from '../../webhooks/types.js';
import type { Database } from './database.js';
import type { SqliteRow } from './driver.js';

/** Entries kept per community: a receiver down that long has lost them to the 24 h rule anyway. */
export const OUTBOX_MAX_ENTRIES = 100_000;
/** The bound is enforced every this many entries (one DELETE, not one per write). */
const TRIM_EVERY = 1_000;

/**
 * The SQLite engine's outbox (SPEC §12): a table in the same file, written by
 * the store inside the same transaction as the create or the append (`record`
 * is called from the store's own write), so an acknowledged change always has
 * its entry and `kill -9` loses none. Delivery state per endpoint and the
 * lease are rows beside it. Ids come from AUTOINCREMENT: never reused, even
 * after every entry was trimmed, so a saved cursor never skips a new entry.
 */
export class SqliteOutbox implements Outbox {
  readonly durable = true;
  private readonly enabled = new Set<string>();

  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {
    // One process owns the file (database.ts): a lease left in it was held by a process that is gone.
    db.statement('DELETE FROM outbox_lease').run();
  }

  enable(community: string): void {
    this.enabled.add(community);
  }

  /** Inside the store's write: an entry for a community with webhooks, nothing otherwise. */
  record(community: string, entry: Omit<OutboxEntry, 'id'>): void {
    if (!this.enabled.has(community)) return;
    const row = this.db
      .statement('INSERT INTO outbox (community, type, conversation_id, seq, at, author) VALUES (?, ?, ?, ?, ?, ?) RETURNING id')
      .get(community, entry.type, entry.conversationId, entry.seq, entry.at, entry.author ?? null);
    if (Number(row?.id) % TRIM_EVERY === 0) {
      this.db
        .statement('DELETE FROM outbox WHERE community = ? AND id <= (SELECT id FROM outbox WHERE community = ? ORDER BY id DESC LIMIT 1 OFFSET ?)')
        .run(community, community, OUTBOX_MAX_ENTRIES);
    }
  }

  async readAfter(community: string, cursor: string | undefined, limit: number): Promise<OutboxEntry[]> {
    const after = cursor === undefined ? 0 : Number(cursor);
    const rows = await this.db.read(() => this.db.statement('SELECT * FROM outbox WHERE community = ? AND id > ? ORDER BY id LIMIT ?').all(community, after, limit));
    return rows.map(readEntry);
  }

  async loadState(community: string, endpoint: string): Promise<DeliveryState | undefined> {
    const row = await this.db.read(() => this.db.statement('SELECT state FROM outbox_state WHERE community = ? AND endpoint = ?').get(community, endpoint));
    return row ? (JSON.parse(String(row.state)) as DeliveryState) : undefined;
  }

  async saveState(community: string, endpoint: string, state: DeliveryState): Promise<void> {
    await this.db.write(() =>
      this.db.statement('INSERT OR REPLACE INTO outbox_state (community, endpoint, state) VALUES (?, ?, ?)').run(community, endpoint, JSON.stringify(state)),
    );
  }

  async lease(community: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    return this.db.write(() => {
      const row = this.db.statement('SELECT holder, until FROM outbox_lease WHERE community = ?').get(community);
      if (row && row.holder !== holder && Number(row.until) > now) return false;
      this.db.statement('INSERT OR REPLACE INTO outbox_lease (community, holder, until) VALUES (?, ?, ?)').run(community, holder, now + ttlMs);
      return true;
    });
  }

  async trim(community: string, cursor: string): Promise<void> {
    await this.db.write(() => this.db.statement('DELETE FROM outbox WHERE community = ? AND id <= ?').run(community, Number(cursor)));
  }
}

function readEntry(row: SqliteRow): OutboxEntry {
  return {
    id: String(row.id),
    type: String(row.type) as OutboxEntry['type'],
    conversationId: String(row.conversation_id),
    seq: Number(row.seq),
    at: Number(row.at),
    ...(row.author === null || row.author === undefined ? {} : { author: String(row.author) as Author }),
  };
}
