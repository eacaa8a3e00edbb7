import type { AgentConversationsResponse, AgentMessagesResponse } from '../../../identity/index.js';
import { readPageCursor } from '../../store/index.js';
import type { Call, HandlerContext } from '../context.js';
import { readJsonObject } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { jsonReply, type Reply } from '../http/reply.js';
import { refuseCrossOrigin } from '../agents/authenticate.js';
import { agentSummary, authenticateAgent, conversationNotFound as notFound, DEFAULT_PAGE_SIZE, inCommunity, MAX_PAGE_SIZE, ownConversation } from './shared/agent.js';
import { filteredPage, readListFilter } from './shared/list-filter.js';
import { postMessage, readClientId, readMessageBody } from './shared/messages.js';

/** `GET {base}/agent/v1/conversations?limit=&cursor=` → one page of summaries, newest activity first. */
export async function listConversations(ctx: HandlerContext, call: Call): Promise<Reply> {
  const me = await authenticateAgent(ctx, call);
  const query = call.url.searchParams;
  const limit = readLimit(query.get('limit'));
  const cursor = query.get('cursor') ?? undefined;
  if (cursor !== undefined && readPageCursor(cursor) === undefined) {
    throw new HttpError(400, 'ERR_BAD_REQUEST', 'cursor must be the `cursor` of a previous page, as it was given.');
  }
  // `?status=`, `?assignee=`, `?q=` (SPEC §11: open / closed / mine, search by uuid, name or e-mail).
  const filter = readListFilter(query, me);
  if (filter) return jsonReply(200, (await filteredPage(ctx, filter, limit, cursor)) satisfies AgentConversationsResponse);
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
  const agent = await authenticateAgent(ctx, call);
  refuseCrossOrigin(ctx, call);
  const conversationId = call.param;
  const input = await readJsonObject(call.request, ctx.limits.maxBodyBytes);
  const clientId = readClientId(input.clientId, false);
  const body = readMessageBody(input.body);
  await inCommunity(ctx, conversationId);
  return postMessage(ctx, conversationId, { author: 'agent', agent, body, clientId }, notFound);
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
