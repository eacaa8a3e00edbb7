/** The conversation store interface and its in-memory default (SPEC §6). */
export { createMemoryStore } from './memory.js';
export { DEFAULT_MEMORY_STORE_BOUNDS } from './memory-options.js';
export type { MemoryStoreOptions } from './memory-options.js';
export type { ConversationRecord, ConversationStore, NewMessage, SessionRecord } from './types.js';
