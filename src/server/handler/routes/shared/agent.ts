import type { AgentConversationSummary } from '../../../../identity/index.js';
import { DEFAULT_CONVERSATION_STATE, type ConversationRecord } from '../../../store/index.js';
import { conversationCommunity } from '../../../store/ids.js';
import type { HandlerContext } from '../../context.js';
import { HttpError } from '../../http/errors.js';
import { publicIdentity } from './public-views.js';

/** SPEC §6 "Bounds": the agent list and a history are paged; these are the page sizes. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export { authenticateAgent } from '../../agents/authenticate.js';

/** The conversation, if it exists in this handler's community (SPEC §6 "Sharing": another community's reads as absent). */
export async function ownConversation(ctx: HandlerContext, conversationId: string): Promise<ConversationRecord> {
  const record = await ctx.store.getConversation(conversationId);
  if (!record || record.community !== ctx.community) throw conversationNotFound();
  return record;
}

/**
 * Refuses an id of another community before a write. Our ids name their
 * community (store/ids.ts): no read needed. A custom store's ids are checked by reading.
 */
export async function inCommunity(ctx: HandlerContext, conversationId: string): Promise<void> {
  const community = conversationCommunity(conversationId);
  if (community === undefined) await ownConversation(ctx, conversationId);
  else if (community !== ctx.community) throw conversationNotFound();
}

export function conversationNotFound(): HttpError {
  return new HttpError(404, 'ERR_NOT_FOUND', 'No conversation has this id.');
}

/** A conversation as an agent sees it, without its history: the verified identity exactly as the community mapping produced it. */
export function agentSummary(record: ConversationRecord): AgentConversationSummary {
  const { identity } = record;
  return {
    id: record.id,
    ...publicIdentity(identity),
    customFields: identity.customFields ?? {},
    extraValues: identity.extraValues ?? {},
    ...(record.lastPage === undefined ? {} : { lastPage: record.lastPage }),
    updatedAt: record.updatedAt,
    lastSeq: record.lastSeq,
    ...(record.state ?? DEFAULT_CONVERSATION_STATE),
  };
}
