import type { AgentMeResponse, AgentStatus } from '../../../identity/index.js';
import { refuseCrossOrigin } from '../agents/authenticate.js';
import type { Call, HandlerContext } from '../context.js';
import { readJsonObject } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { emptyReply, jsonReply, type Reply } from '../http/reply.js';
import { authenticateAgent } from './shared/agent.js';

/** `GET {base}/agent/v1/me` → AgentMeResponse: who is signed in, their status, the agents one may assign to. */
export async function agentMe(ctx: HandlerContext, call: Call): Promise<Reply> {
  const agent = await authenticateAgent(ctx, call);
  const listed = ctx.agents!.setup.listed;
  const body: AgentMeResponse = {
    agent,
    status: ctx.agents!.presence.statusOf(agent.id),
    agents: listed.some(({ id }) => id === agent.id) ? [...listed] : [...listed, agent],
    available: [...ctx.agents!.presence.availableAgents],
  };
  return jsonReply(200, body);
}

/**
 * `POST {base}/agent/v1/status` `{ status: 'online' | 'away' }` → 204. Away
 * agents do not count as available (SPEC §11 "Presence"), on any instance.
 */
export async function agentStatus(ctx: HandlerContext, call: Call): Promise<Reply> {
  const agent = await authenticateAgent(ctx, call);
  refuseCrossOrigin(ctx, call);
  const { status } = await readJsonObject(call.request, ctx.limits.maxBodyBytes);
  if (status !== 'online' && status !== 'away') throw new HttpError(400, 'ERR_BAD_REQUEST', 'status must be "online" or "away".');
  ctx.agents!.presence.setStatus(agent.id, status satisfies AgentStatus);
  return emptyReply(204);
}
