import type { ChatMessage } from '../../identity/index.js';
import { DEFAULT_CONVERSATION_STATE, type ConversationState, type ConversationStateChange } from './types.js';

/**
 * The merge rules of ConversationStore.updateState (SPEC §11), for stores
 * that hold the state as an object (the memory store; the Redis store runs
 * the same rules in Lua, engine/redis/state-scripts.ts). `visitorMessagesAfter`
 * counts the kept visitor messages after a seq, for `unread`.
 */
export function applyStateChange(
  current: ConversationState | undefined,
  change: ConversationStateChange,
  lastSeq: number,
  visitorMessagesAfter: (seq: number) => number,
): ConversationState {
  const state: ConversationState = { ...(current ?? DEFAULT_CONVERSATION_STATE) };
  if (change.status !== undefined) state.status = change.status;
  if (change.assignee === null) delete state.assignee;
  else if (change.assignee !== undefined) state.assignee = change.assignee;
  if (change.email !== undefined) state.email = change.email;
  if (change.visitorReadSeq !== undefined) state.visitorReadSeq = forward(state.visitorReadSeq, change.visitorReadSeq, lastSeq);
  if (change.agentReadSeq !== undefined) {
    state.agentReadSeq = forward(state.agentReadSeq, change.agentReadSeq, lastSeq);
    state.unread = visitorMessagesAfter(state.agentReadSeq);
  }
  return state;
}

/** The state after a visitor message `seq`: unread when the agents have not read that far; a closed conversation reopens. */
export function noteVisitorMessage(current: ConversationState | undefined, seq: number): ConversationState {
  const state: ConversationState = { ...(current ?? DEFAULT_CONVERSATION_STATE), status: 'open' };
  if (seq > state.agentReadSeq) state.unread += 1;
  return state;
}

/** Read positions only move forward, and never past the newest message. */
function forward(stored: number, asked: number, lastSeq: number): number {
  return Math.max(stored, Math.min(Math.floor(asked), lastSeq));
}

export function countVisitorMessages(messages: readonly ChatMessage[]): number {
  let count = 0;
  for (const message of messages) if (message.author === 'visitor') count++;
  return count;
}
