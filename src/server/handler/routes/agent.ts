import type { AgentConversationsResponse, AgentMessagesResponse } from '../../../identity/index.js';
import { conversationCommunity } from '../../store/ids.js';
import { readPageCursor, type ConversationRecord } from '../../store/index.js';
import type { Call, HandlerContext } from '../context.js';
import { readJsonObject } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { jsonReply, type Reply } from '../http/reply.js';
import { agentSummary, authenticateAgent, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './shared/agent.js';
import { postMessage, readClientId, readMessageBody } from './shared/messages.js';

/** `GET {base}/agent/v1/conversations?limit=&cursor=` → one page of summaries, newest activity first. */
export async function listConversations(ctx: HandlerContext, call: Call): Promise<Reply> {
  await authenticateAgent(ctx, call);
  const query = call.url.searchParams;
  const limit = readLimit(query.get('limit'));
  const cursor = query.get('cursor') ?? undefined;
  if (cursor !== undefined && readPageCursor(cursor) === undefined) {
    throw new HttpError(400, 'ERR_BAD_REQUEST', 'cursor must be the `cursor` of a previous page, as it was given.');
  }
  const page = await ctx.store.listConversations({ community: ctx.community, limit, ...(cursor ? { cursor } : {}) });
  const body: AgentConversationsResponse = {
    conversations: page.conversations.map(agentSummary),
    ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
  };
  return jsonReply(200, body);
}

/** `GET {base}/agent/v1/conversations/{id}/messages?limit=&before=&after=` → one page of a conversation's history. */
export async function conversationMessages(ctx: HandlerContext, call: Call): Promise<Reply> {
  await authenticateAgent(ctx, call);
  const conversationId = call.param;
  const query = call.url.searchParams;
  const limit = readLimit(query.get('limit'));
  const before = readSeq(query.get('before'), 'before');
  const after = readSeq(query.get('after'), 'after');
  if (before !== undefined && after !== undefined) throw new HttpError(400, 'ERR_BAD_REQUEST', 'Give before or after, not both.');
  await ownConversation(ctx, conversationId);
  // One more than asked tells whether there is more in that direction.
  const found = await ctx.store.listMessages(conversationId, {
    ...(after === undefined ? {} : { afterSeq: after }),
    ...(before === undefined ? {} : { beforeSeq: before }),
    limit: limit + 1,
  });
  const more = found.length > limit;
  const messages = !more ? found : after === undefined ? found.slice(1) : found.slice(0, limit);
  const body: AgentMessagesResponse = { conversationId, messages, more };
  return jsonReply(200, body);
}

/** `POST {base}/agent/v1/conversations/{id}/messages`: reaches every open stream of that conversation live, on every instance. */
export async function agentReply(ctx: HandlerContext, call: Call): Promise<Reply> {
  await authenticateAgent(ctx, call);
  const conversationId = call.param;
  const input = await readJsonObject(call.request, ctx.limits.maxBodyBytes);
  const clientId = readClientId(input.clientId, false);
  const body = readMessageBody(input.body);
  // Our ids name their community (store/ids.ts): no read before the append. A custom store's ids are checked by reading.
  const community = conversationCommunity(conversationId);
  if (community === undefined) await ownConversation(ctx, conversationId);
  else if (community !== ctx.community) throw notFound();
  return postMessage(ctx, conversationId, { author: 'agent', body, clientId }, notFound);
}

/** The conversation, if it exists in this handler's community (SPEC §6 "Sharing": another community's reads as absent). */
async function ownConversation(ctx: HandlerContext, conversationId: string): Promise<ConversationRecord> {
  const record = await ctx.store.getConversation(conversationId);
  if (!record || record.community !== ctx.community) throw notFound();
  return record;
}

function notFound(): HttpError {
  return new HttpError(404, 'ERR_NOT_FOUND', 'No conversation has this id.');
}

function readLimit(value: string | null): number {
  if (value === null) return DEFAULT_PAGE_SIZE;
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1 || Number(value) > MAX_PAGE_SIZE) {
    throw new HttpError(400, 'ERR_BAD_REQUEST', `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  }
  return Number(value);
}

function readSeq(value: string | null, name: string): number | undefined {
  if (value === null) return undefined;
  if (!/^\d{1,15}$/.test(value)) throw new HttpError(400, 'ERR_BAD_REQUEST', `${name} must be a message seq (a whole number).`);
  return Number(value);
}
