import type { RateLimiter } from '../types.js';
import type { Database } from './database.js';

/**
 * Token buckets (SPEC §6 "Abuse limits") in the file, with the memory
 * engine's arithmetic exactly, so every engine gives the same answers and a
 * restart does not hand a flooder a fresh budget. A take joins the turn's
 * group commit, so it costs no commit of its own. Buckets full again are
 * deleted by the store's sweep.
 */
export function createSqliteRateLimiter(db: Database): RateLimiter {
  return {
    take(key, perMinute, at) {
      if (!Number.isFinite(perMinute)) return 0;
      if (perMinute <= 0) return 60;
      return db.write(() => {
        const ratePerMs = perMinute / 60_000;
        const bucket = db.statement('SELECT tokens, at FROM rate_buckets WHERE key = ?').get(key);
        const tokens = bucket ? Math.min(perMinute, Number(bucket.tokens) + Math.max(0, at - Number(bucket.at)) * ratePerMs) : perMinute;
        const wait = tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / ratePerMs / 1000));
        db.statement('INSERT OR REPLACE INTO rate_buckets (key, tokens, at) VALUES (?, ?, ?)').run(key, wait === 0 ? tokens - 1 : tokens, at);
        return wait;
      });
    },
  };
}
