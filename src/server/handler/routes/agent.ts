import type {
  AgentConversation,
  AgentConversationsResponse,
  SendMessageResponse,
} from '../../../identity/index.js';
import type { ConversationRecord } from '../../store/index.js';
import type { HandlerContext } from '../context.js';
import { timingSafeEqualText } from '../crypto.js';
import { readJsonObject } from '../http/body.js';
import { HttpError, jsonResponse } from '../http/errors.js';
import { readBearerToken } from '../http/bearer.js';
import type { AgentConversationSummary } from '../live/agent-events.js';
import { publicIdentity } from './register.js';
import { readClientId, readMessageBody } from './visitor.js';

/**
 * The agent API (SPEC §6), behind its own bearer credential. The comparison
 * takes the same time wherever the tokens differ.
 */
export async function authenticateAgent(ctx: HandlerContext, request: Request): Promise<void> {
  const presented = readBearerToken(request).token ?? '';
  const expected = ctx.agentToken ?? '';
  if (expected === '' || !(await timingSafeEqualText(presented, expected))) {
    throw new HttpError(401, 'ERR_AGENT_UNAUTHORIZED', 'Send the agent token as Authorization: Bearer <agentToken>.', {
      'WWW-Authenticate': 'Bearer',
    });
  }
}

/** A conversation as an agent sees it: the verified identity exactly as the community mapping produced it. */
export async function agentView(ctx: HandlerContext, record: ConversationRecord): Promise<AgentConversation> {
  const { lastSeq: _lastSeq, ...summary } = agentSummary(record);
  return { ...summary, messages: await ctx.store.listMessages(record.id) };
}

/** A conversation without its history (the agent stream's `message` and `summary` events). */
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
  };
}

/** `GET {base}/agent/v1/conversations` → AgentConversationsResponse, newest activity first. */
export async function listConversations(ctx: HandlerContext, request: Request): Promise<Response> {
  await authenticateAgent(ctx, request);
  const records = await ctx.store.listConversations();
  const body: AgentConversationsResponse = { conversations: await Promise.all(records.map((r) => agentView(ctx, r))) };
  return jsonResponse(200, body);
}

/** `POST {base}/agent/v1/conversations/{id}/messages`: reaches every open stream of that conversation live. */
export async function agentReply(ctx: HandlerContext, request: Request, conversationId: string): Promise<Response> {
  await authenticateAgent(ctx, request);
  const input = await readJsonObject(request, ctx.limits.maxBodyBytes);
  const clientId = readClientId(input.clientId, false);
  const body = readMessageBody(input.body);
  const result = await ctx.store.appendMessage(conversationId, { author: 'agent', body, clientId, createdAt: ctx.now() });
  if (!result) throw new HttpError(404, 'ERR_NOT_FOUND', 'No conversation has this id.');
  if (result.created) ctx.hub.messageAdded(conversationId, result.message);
  const response: SendMessageResponse = { message: result.message };
  return jsonResponse(result.created ? 201 : 200, response);
}

