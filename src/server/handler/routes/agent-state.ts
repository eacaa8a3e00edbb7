/**
 * What an agent does to one conversation (SPEC §11), each
 * `POST {base}/agent/v1/conversations/{id}/<action>`: close, reopen, assign
 * and read answer the new summary (AgentConversationResponse); typing answers
 * 204. Every one refuses another site's request (agents/authenticate.ts) and
 * tells the other agents' streams, on every instance, through the bus.
 */
import type { AgentConversationResponse, AgentIdentity } from '../../../identity/index.js';
import type { ConversationStateChange } from '../../store/index.js';
import { refuseCrossOrigin } from '../agents/authenticate.js';
import { AGENT_ID_PATTERN } from '../agents/config.js';
import type { Call, HandlerContext } from '../context.js';
import { readJsonObject } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { emptyReply, jsonReply, type Reply } from '../http/reply.js';
import { enforceRate } from '../rate.js';
import { agentSummary, authenticateAgent, conversationNotFound, inCommunity } from './shared/agent.js';
import { readSeqField } from './shared/state-input.js';

export const closeConversation = (ctx: HandlerContext, call: Call): Promise<Reply> => changeState(ctx, call, async () => ({ status: 'closed' }));

export const reopenConversation = (ctx: HandlerContext, call: Call): Promise<Reply> => changeState(ctx, call, async () => ({ status: 'open' }));

/** `assign` `{ agentId }`: one of the configured agents (any well-formed id with authenticateAgent), or null to unassign. */
export const assignConversation = (ctx: HandlerContext, call: Call): Promise<Reply> =>
  changeState(ctx, call, async () => {
    const { agentId } = await readJsonObject(call.request, ctx.limits.maxBodyBytes);
    if (agentId === null) return { assignee: null };
    const setup = ctx.agents!.setup;
    const known = typeof agentId === 'string' && setup.listed.some((agent) => agent.id === agentId);
    if (!known && !(setup.authenticate !== undefined && typeof agentId === 'string' && AGENT_ID_PATTERN.test(agentId))) {
      throw new HttpError(400, 'ERR_BAD_REQUEST', 'agentId must be the id of one of the agents (GET agent/v1/me lists them), or null to unassign.');
    }
    return { assignee: agentId as string };
  });

/** `read` `{ seq }`: the agents have read up to seq; the visitor's widget shows "Seen". */
export const readConversation = (ctx: HandlerContext, call: Call): Promise<Reply> =>
  changeState(
    ctx,
    call,
    async () => ({ agentReadSeq: readSeqField(await readJsonObject(call.request, ctx.limits.maxBodyBytes)) }),
    (record) => ({ type: 'read', conversationId: record.id, author: 'agent', seq: record.state?.agentReadSeq ?? 0 }),
  );

/** `typing` → 204: the visitor's streams and the other agents' show it; throttled per agent and conversation, never stored. */
export async function agentTyping(ctx: HandlerContext, call: Call): Promise<Reply> {
  const agent: AgentIdentity = await authenticateAgent(ctx, call);
  refuseCrossOrigin(ctx, call);
  const conversationId = call.param;
  await inCommunity(ctx, conversationId);
  await enforceRate(ctx, `typing:agent:${agent.id}:${conversationId}`, ctx.limits.typingPerMinutePerSession, 'typing notices');
  ctx.publish({ type: 'typing', conversationId, author: 'agent', agent });
  return emptyReply(204);
}

type Record = NonNullable<Awaited<ReturnType<HandlerContext['store']['updateState']>>>;

async function changeState(
  ctx: HandlerContext,
  call: Call,
  readChange: () => Promise<ConversationStateChange>,
  event: (record: Record) => Parameters<HandlerContext['publish']>[0] = (record) => ({ type: 'conversation', conversationId: record.id }),
): Promise<Reply> {
  await authenticateAgent(ctx, call);
  refuseCrossOrigin(ctx, call);
  const conversationId = call.param;
  const change = await readChange();
  await inCommunity(ctx, conversationId);
  const record = await ctx.store.updateState(conversationId, change);
  if (!record || record.community !== ctx.community) throw conversationNotFound();
  ctx.publish(event(record));
  const body: AgentConversationResponse = { conversation: agentSummary(record) };
  return jsonReply(200, body);
}
