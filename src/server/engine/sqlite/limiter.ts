import type { RateLimiter } from '../types.js';
import type { Database } from './database.js';

interface Bucket {
  tokens: number;
  at: number;
}

/** How often changed buckets are written to the file (ms of wall time). */
const FLUSH_INTERVAL_MS = 1000;
/** Buckets not touched for this long are full again: forgotten here (the store's sweep deletes their rows). */
const FORGET_AFTER_MS = 60_000;

export interface SqliteRateLimiter extends RateLimiter {
  /** Writes the changed buckets now (joining the current group commit). */
  flush(): void;
}

/**
 * Token buckets (SPEC §6 "Abuse limits") with the memory engine's arithmetic
 * exactly, so every engine gives the same answers. This process owns the
 * file, so the buckets it uses are kept here and written to the file once a
 * second (and on close): a restart does not hand a flooder a fresh budget,
 * and a message does not pay three row writes for its three limits
 * (bench/sqlite.mjs, "limits on"). A `kill -9` loses at most the last
 * second of bucket changes — never a message.
 */
export function createSqliteRateLimiter(db: Database): SqliteRateLimiter {
  const buckets = new Map<string, Bucket>();
  const changed = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  function flush(): void {
    clearTimeout(timer);
    timer = undefined;
    if (changed.size === 0) return;
    const rows = [...changed].map((key) => [key, buckets.get(key)!] as const);
    changed.clear();
    const newest = Math.max(...rows.map(([, bucket]) => bucket.at));
    db.write(() => {
      for (const [key, { tokens, at }] of rows) db.statement('INSERT OR REPLACE INTO rate_buckets (key, tokens, at) VALUES (?, ?, ?)').run(key, tokens, at);
    }).catch(() => {
      // Not written (disk full, closed): the limits still hold in this process.
    });
    for (const [key, bucket] of buckets) if (newest - bucket.at >= FORGET_AFTER_MS) buckets.delete(key);
  }

  function load(key: string): Bucket | undefined {
    const row = db.readNow(() => db.statement('SELECT tokens, at FROM rate_buckets WHERE key = ?').get(key));
    return row ? { tokens: Number(row.tokens), at: Number(row.at) } : undefined;
  }

  return {
    take(key, perMinute, at) {
      if (!Number.isFinite(perMinute)) return 0;
      if (perMinute <= 0) return 60;
      const ratePerMs = perMinute / 60_000;
      const bucket = buckets.get(key) ?? load(key) ?? { tokens: perMinute, at };
      // A bucket's time never moves backwards: callers whose clocks disagree cannot refill it by taking turns.
      if (at < bucket.at) at = bucket.at;
      const tokens = Math.min(perMinute, bucket.tokens + Math.max(0, at - bucket.at) * ratePerMs);
      const wait = tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / ratePerMs / 1000));
      buckets.set(key, { tokens: wait === 0 ? tokens - 1 : tokens, at });
      changed.add(key);
      timer ??= setTimeout(flush, FLUSH_INTERVAL_MS);
      // A pending write must not keep the process alive (Node, Bun).
      (timer as { unref?: () => void }).unref?.();
      return wait;
    },
    flush,
  };
}
