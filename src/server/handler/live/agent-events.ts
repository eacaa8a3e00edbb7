/** The agent stream's events live in the wire contract (src/identity/protocol.ts). */
export type { AgentConversationSummary, AgentStreamEvent } from '../../../identity/index.js';
import type { AgentStreamEvent } from '../../../identity/index.js';

/** The small updates sent after the first `conversation` events. */
export type AgentUpdateEvent = Exclude<AgentStreamEvent, { type: 'conversation' }>;
