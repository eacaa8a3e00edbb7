/** The conversation store interface and its in-memory default (SPEC §6, §8). */
export { createMemoryStore, RECORD_OVERHEAD_BYTES } from './memory.js';
export { DEFAULT_MEMORY_STORE_BOUNDS } from './memory-options.js';
export type { MemoryStoreOptions } from './memory-options.js';
export { pageCursor, readPageCursor } from './cursor.js';
export { DEFAULT_CONVERSATION_STATE } from './types.js';
export type {
  ConversationPage,
  ConversationRecord,
  ConversationState,
  ConversationStateChange,
  ConversationStore,
  ListConversationsOptions,
  ListMessagesOptions,
  NewMessage,
  SessionRecord,
} from './types.js';
