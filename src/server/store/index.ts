/** The conversation store interface and its in-memory default (SPEC §6). */
export { createMemoryStore } from './memory.js';
export type { ConversationRecord, ConversationStore, NewMessage, SessionRecord } from './types.js';
