import type { AgentIdentity } from '../../../identity/index.js';
import { agentOfToken, refuseCrossOrigin } from '../agents/authenticate.js';
import { agentCookieHeader, issueAgentCookie } from '../agents/cookie.js';
import type { Call, HandlerContext } from '../context.js';
import { readJsonObject } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { jsonReply, reply, type Reply } from '../http/reply.js';
import { enforceRate } from '../rate.js';

/**
 * `POST {base}/agent/v1/session` `{ token }`: the inbox's sign-in (SPEC §11).
 * The agent token is exchanged for an HttpOnly cookie, so the page holds no
 * credential a script could read. Only from the chat server's own origin;
 * wrong tokens count against the same per-address limit as every agent route.
 */
export async function agentSignIn(ctx: HandlerContext, call: Call): Promise<Reply> {
  refuseCrossOrigin(ctx, call);
  const access = ctx.agents!;
  const input = await readJsonObject(call.request, ctx.limits.maxBodyBytes);
  const token = typeof input.token === 'string' ? input.token.trim() : undefined;
  const agent = token ? await agentOfToken(access, token) : undefined;
  if (!agent || !token) {
    await enforceRate(ctx, `agent-auth:address:${call.clientAddress()}`, ctx.limits.agentAuthFailuresPerMinutePerAddress, 'wrong agent credentials from this address');
    throw new HttpError(401, 'ERR_AGENT_UNAUTHORIZED', 'This is not an agent token of this chat server: paste the token from the agents option (not a visitor JWT).', {
      'WWW-Authenticate': 'Bearer',
    });
  }
  const cookie = await issueAgentCookie(agent, tokenOf(access.setup.byToken, agent), ctx.now());
  return jsonReply(200, { agent }, { 'Set-Cookie': agentCookieHeader(ctx.basePath, cookie), 'Cache-Control': 'no-store' });
}

/** `DELETE {base}/agent/v1/session`: signs the inbox out (the cookie is cleared). */
export async function agentSignOut(ctx: HandlerContext, call: Call): Promise<Reply> {
  refuseCrossOrigin(ctx, call);
  return reply(204, null, { 'Set-Cookie': agentCookieHeader(ctx.basePath, ''), 'Cache-Control': 'no-store' });
}

function tokenOf(byToken: ReadonlyMap<string, AgentIdentity>, agent: AgentIdentity): string {
  for (const [token, candidate] of byToken) if (candidate === agent) return token;
  throw new Error('agent without a token');
}
