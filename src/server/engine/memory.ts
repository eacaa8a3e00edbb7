import { createMemoryStore, type ConversationStore, type MemoryStoreOptions } from '../store/index.js';
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
 */
export function createMemoryEngine(options: MemoryEngineOptions = {}): Engine {
  const { store, ...bounds } = options;
  if (store !== undefined && Object.keys(bounds).length > 0) {
    throw new MessagingConfigError('store', 'createMemoryEngine: give either a store or the memory store bounds, not both.');
  }
  return {
    store: store ?? createMemoryStore(bounds),
    bus: createLocalBus(),
    limiter: createMemoryRateLimiter(),
    async close() {},
  };
}
