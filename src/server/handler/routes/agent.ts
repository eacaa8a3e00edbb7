import type {
  AgentConversation,
  AgentConversationsResponse,
  AgentStreamEvent,
  SendMessageResponse,
} from '../../../identity/index.js';
import type { ConversationRecord } from '../../store/index.js';
import type { HandlerContext } from '../context.js';
import { timingSafeEqualText } from '../crypto.js';
import { readJsonObject } from '../http/body.js';
import { HttpError, jsonResponse } from '../http/errors.js';
import { openSse } from '../live/sse.js';
import { publicIdentity } from './register.js';
import { readClientId, readMessageBody } from './visitor.js';

/**
 * The agent API (SPEC §6), behind its own bearer credential. The comparison
 * takes the same time wherever the tokens differ.
 */
export async function authenticateAgent(ctx: HandlerContext, request: Request): Promise<void> {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(request.headers.get('Authorization') ?? '');
  const presented = match?.[1] ?? '';
  const expected = ctx.agentToken ?? '';
  if (expected === '' || !(await timingSafeEqualText(presented, expected))) {
    throw new HttpError(401, 'ERR_AGENT_UNAUTHORIZED', 'Send the agent token as Authorization: Bearer <agentToken>.', {
      'WWW-Authenticate': 'Bearer',
    });
  }
}

/** A conversation as an agent sees it: the verified identity exactly as the community mapping produced it. */
export async function agentView(ctx: HandlerContext, record: ConversationRecord): Promise<AgentConversation> {
  const { identity } = record;
  return {
    id: record.id,
    ...publicIdentity(identity),
    customFields: identity.customFields ?? {},
    extraValues: identity.extraValues ?? {},
    messages: await ctx.store.listMessages(record.id),
    ...(record.lastPage === undefined ? {} : { lastPage: record.lastPage }),
    updatedAt: record.updatedAt,
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
  if (result.created) ctx.hub.messageAdded(conversationId);
  const response: SendMessageResponse = { message: result.message };
  return jsonResponse(result.created ? 201 : 200, response);
}

/**
 * `GET {base}/agent/v1/stream`: every conversation once on connect, then each
 * one again whenever it changes (message, identity, page). Changes that pile
 * up while one is being sent go out once.
 */
export async function agentStream(ctx: HandlerContext, request: Request): Promise<Response> {
  await authenticateAgent(ctx, request);
  if (ctx.hub.agentStreams >= ctx.limits.maxAgentStreams) {
    throw new HttpError(429, 'ERR_TOO_MANY_STREAMS', `At most ${ctx.limits.maxAgentStreams} open agent streams.`, { 'Retry-After': '5' });
  }
  const dirty = new Set<string>();
  let flushing = false;
  let unregister = (): void => {};
  const { response, channel } = openSse({
    signal: request.signal,
    heartbeatMs: ctx.limits.heartbeatMs,
    onClose: () => unregister(),
  });

  async function flush(): Promise<void> {
    if (flushing) return;
    flushing = true;
    try {
      while (dirty.size > 0 && !channel.closed) {
        const [id] = dirty;
        dirty.delete(id!);
        const record = await ctx.store.getConversation(id!);
        if (!record) continue;
        const event: AgentStreamEvent = { type: 'conversation', conversation: await agentView(ctx, record) };
        channel.send(event.type, event);
      }
    } catch (error) {
      ctx.logger.warn(`chatq: agent stream read failed: ${error instanceof Error ? error.message : String(error)}`);
      channel.close();
    } finally {
      flushing = false;
    }
  }

  if (!channel.closed) {
    unregister = ctx.hub.addAgent({
      conversationChanged(id) {
        dirty.add(id);
        void flush();
      },
      close: () => channel.close(),
    });
    for (const record of await ctx.store.listConversations()) dirty.add(record.id);
    void flush();
  }
  return response;
}
