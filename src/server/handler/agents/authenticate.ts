import { constantTimeEqual, isPlainText, type AgentIdentity } from '../../../identity/index.js';
import type { Call, HandlerContext } from '../context.js';
import { sha256Base64url } from '../crypto.js';
import { readBearerToken } from '../http/bearer.js';
import { HttpError } from '../http/errors.js';
import { enforceRate } from '../rate.js';
import type { AgentAccess } from './access.js';
import { AGENT_ID_PATTERN } from './config.js';
import { agentOfCookie, readAgentCookie } from './cookie.js';

/**
 * Who is calling the agent API (SPEC §11): the agent whose token is the
 * bearer credential — compared in constant time against every token, so
 * neither which agent nor how much matched shows in the timing — else the
 * integrator's `authenticateAgent`. Wrong credentials are limited per address
 * (429), so no token can be guessed; the integrator's function throwing is a
 * 500 ERR_INTERNAL (logged), never a sign-in.
 */
export async function authenticateAgent(ctx: HandlerContext, call: Call): Promise<AgentIdentity> {
  const access = ctx.agents;
  if (access) {
    const byToken = await agentOfToken(access, readBearerToken(call.request).token);
    if (byToken) return byToken;
    const byCookie = await agentOfInboxCookie(ctx, access, call.request);
    if (byCookie) return byCookie;
    const byIntegrator = await askIntegrator(access, call.request);
    if (byIntegrator) return byIntegrator;
  }
  await enforceRate(ctx, `agent-auth:address:${call.clientAddress()}`, ctx.limits.agentAuthFailuresPerMinutePerAddress, 'wrong agent credentials from this address');
  throw new HttpError(401, 'ERR_AGENT_UNAUTHORIZED', 'Send an agent token as Authorization: Bearer <token>, or sign in to the inbox.', { 'WWW-Authenticate': 'Bearer' });
}

/**
 * The inbox's cookie (routes/agent-session.ts), taken only from the chat
 * server's own pages: SameSite=Strict keeps other sites from sending it, and
 * a `Sec-Fetch-Site` other than same-origin (a sibling subdomain) is refused too.
 */
async function agentOfInboxCookie(ctx: HandlerContext, access: AgentAccess, request: Request): Promise<AgentIdentity | undefined> {
  const value = readAgentCookie(request.headers.get('Cookie'));
  if (value === undefined) return undefined;
  const site = request.headers.get('Sec-Fetch-Site');
  if (site !== null && site !== 'same-origin' && site !== 'none') return undefined;
  return agentOfCookie(access.setup, value, ctx.now());
}

export async function agentOfToken(access: AgentAccess, presented: string | undefined): Promise<AgentIdentity | undefined> {
  if (presented === undefined) return undefined;
  const hash = await sha256Base64url(presented);
  let found: AgentIdentity | undefined;
  // Every entry is compared, match or not: the loop takes the same time for every token.
  for (const [expected, agent] of await access.tokenHashes) if (constantTimeEqual(hash, expected) && !found) found = agent;
  return found;
}

async function askIntegrator(access: AgentAccess, request: Request): Promise<AgentIdentity | undefined> {
  const authenticate = access.setup.authenticate;
  if (!authenticate) return undefined;
  let answer: unknown;
  try {
    answer = await authenticate(request);
  } catch (error) {
    // Reaches the handler's catch-all: 500 ERR_INTERNAL, logged without request data.
    throw new Error(`authenticateAgent threw: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (answer === null || answer === undefined) return undefined;
  return readIntegratorAgent(answer);
}

/** What `authenticateAgent` returned, checked: a wrong shape is the integrator's bug (500), never a sign-in. */
function readIntegratorAgent(answer: unknown): AgentIdentity {
  const { id, name, avatarUrl } = (typeof answer === 'object' ? answer : {}) as Record<string, unknown>;
  const text = (value: unknown, max: number): value is string => typeof value === 'string' && value.length > 0 && value.length <= max && isPlainText(value, false);
  if (!text(id, 128) || !AGENT_ID_PATTERN.test(id) || !text(name, 100) || (avatarUrl !== undefined && !(text(avatarUrl, 2048) && /^https?:\/\//.test(avatarUrl)))) {
    throw new Error('authenticateAgent returned something other than null or { id, name, avatarUrl? } (id: 1–128 of A-Z a-z 0-9 . _ @ : -; name: 1–100 characters of text).');
  }
  return { id, name, ...(avatarUrl === undefined ? {} : { avatarUrl: avatarUrl as string }) };
}

/**
 * State-changing agent routes take no request from another site (SPEC §11
 * "Security"): a credential the browser sends by itself (the inbox's cookie,
 * the integrator's session behind authenticateAgent) can be ridden by any page
 * that makes the browser post. A browser's `Sec-Fetch-Site` other than
 * `same-origin`/`none`, or an `Origin` other than the chat server's own
 * (`publicOrigin`), is refused; a request with neither comes from no browser.
 */
export function refuseCrossOrigin(ctx: HandlerContext, call: Call): void {
  const site = call.request.headers.get('Sec-Fetch-Site');
  const origin = call.request.headers.get('Origin');
  // Sec-Fetch-Site is set by the browser and no page can forge it: same-origin is the chat server's own page
  // (the inbox) whatever publicOrigin says. Browsers too old to send it fall back to Origin vs publicOrigin.
  if (site === 'same-origin') return;
  const crossSite = site !== null && site !== 'none';
  if (!crossSite && (origin === null || origin === ctx.agents?.publicOrigin)) return;
  throw new HttpError(
    403,
    'ERR_ORIGIN_NOT_ALLOWED',
    `Agent actions are taken only from the chat server's own origin${ctx.agents?.publicOrigin ? ` (${ctx.agents.publicOrigin})` : ''}; set publicOrigin to the origin the inbox is served from, or call from a server without an Origin.`,
  );
}
