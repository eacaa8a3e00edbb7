/** Conversations and messages as the agent API gives them, for the inbox's own tests. */
import type { AgentConversationSummary, ChatMessage } from '../../src/identity/index.js';
import { identity } from '../server/engine/contract.js';

/** A signed, open conversation with nothing read; `change` overrides any field. */
export const conversation = (change: Partial<AgentConversationSummary> = {}): AgentConversationSummary => ({
  ...identity('user-42'),
  id: 'c1',
  updatedAt: Date.UTC(2026, 0, 15, 9),
  lastSeq: 0,
  status: 'open',
  visitorReadSeq: 0,
  agentReadSeq: 0,
  unread: 0,
  ...change,
});

/** Message `seq`, by the visitor unless `change` says otherwise. */
export const message = (seq: number, change: Partial<ChatMessage> = {}): ChatMessage => ({
  id: `m${seq}`,
  seq,
  author: 'visitor',
  body: `message ${seq}`,
  createdAt: Date.UTC(2026, 0, 15, 9, seq),
  ...change,
});
