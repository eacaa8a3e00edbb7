import { createMemoryStore, type ConversationStore, type MemoryStoreOptions } from '../store/index.js';
import { MemoryOutbox } from '../webhooks/memory-outbox.js';
import { announcing } from './announce.js';
import { MessagingConfigError } from './config-error.js';
import { createLocalBus } from './local-bus.js';
import { createMemoryRateLimiter } from './memory-rate-limiter.js';
import type { Engine } from './types.js';

export interface MemoryEngineOptions extends MemoryStoreOptions {
  /** A store of your own in place of the in-memory one (the bus and rate limits stay in this process). */
  store?: ConversationStore;
}

/**
 * The default engine (SPEC §8): store, bus and rate limits in this process's
 * memory. One instance, lost on restart — the demo, tests, and small sites.
 * For several instances or restarts without loss use `createRedisEngine`.
 *
 * Its webhook outbox (SPEC §12) is in memory too: the in-memory store writes
 * an entry in the same step as each change, and a restart loses what was not
 * yet delivered. A store of your own writes none, so that engine has no
 * outbox (webhooks are refused on it rather than never sent).
 */
export function createMemoryEngine(options: MemoryEngineOptions = {}): Engine {
  const { store, ...bounds } = options;
  if (store !== undefined && Object.keys(bounds).length > 0) {
    throw new MessagingConfigError('store', 'createMemoryEngine: give either a store or the memory store bounds, not both.');
  }
  const outbox = store === undefined ? new MemoryOutbox() : undefined;
  const bus = createLocalBus();
  return {
    // Its appends announce themselves on this engine's bus (announce.ts), a store of your own's too; the
    // in-memory store's with their epoch (fixed at creation), so streams need not read the log for them.
    store: store === undefined ? announcing(createMemoryStore(bounds, outbox), bus, true) : announcing(store, bus),
    bus,
    limiter: createMemoryRateLimiter(),
    ...(outbox ? { outbox } : {}),
    async close() {},
  };
}
