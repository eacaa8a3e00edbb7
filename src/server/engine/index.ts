/** Engines (SPEC §8): where a handler's state lives and how instances reach each other. */
export { createMemoryEngine } from './memory.js';
export type { MemoryEngineOptions } from './memory.js';
export { MessagingConfigError } from './config-error.js';
export { EngineError, isEngineError } from './types.js';
export type { BusEvent, Engine, EngineErrorCode, LiveBus, RateLimiter } from './types.js';
