import { constantTimeEqual, decodeBase64url, encodeBase64url, type AgentIdentity } from '../../../identity/index.js';
import type { AgentSetup } from './config.js';

/** The inbox's sign-in cookie (SPEC §11). `__Host-` cannot be used: it requires Path=/, and ours is scoped to the agent API. */
export const AGENT_COOKIE = 'chatq_agent';
/** An inbox sign-in lasts a working day; then the agent signs in again. */
export const AGENT_COOKIE_SECONDS = 12 * 60 * 60;

/**
 * The cookie is stateless, so it holds across instances and restarts: the
 * agent id, the expiry and an HMAC of both keyed with that agent's own token.
 * Nothing in it is a credential to anything else; rotating (or removing) the
 * agent's token ends every cookie it signed.
 */
export async function issueAgentCookie(agent: AgentIdentity, token: string, nowMs: number): Promise<string> {
  const expires = Math.floor(nowMs / 1000) + AGENT_COOKIE_SECONDS;
  const id = encodeBase64url(new TextEncoder().encode(agent.id));
  return `v1.${id}.${expires}.${await mac(token, `${id}.${expires}`)}`;
}

/** The agent a cookie value signs in, or undefined (malformed, expired, forged, or the token changed). */
export async function agentOfCookie(setup: AgentSetup, value: string, nowMs: number): Promise<AgentIdentity | undefined> {
  const [version, id, expires, signature, extra] = value.split('.');
  if (version !== 'v1' || !id || !expires || !signature || extra !== undefined || !/^\d{1,12}$/.test(expires)) return undefined;
  if (Number(expires) * 1000 <= nowMs) return undefined;
  const bytes = decodeBase64url(id);
  if (!bytes) return undefined;
  const agentId = new TextDecoder().decode(bytes);
  for (const [token, agent] of setup.byToken) {
    if (agent.id !== agentId) continue;
    return constantTimeEqual(signature, await mac(token, `${id}.${expires}`)) ? agent : undefined;
  }
  return undefined;
}

/** The cookie's value from a Cookie header, if present. */
export function readAgentCookie(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === AGENT_COOKIE) return rest.join('=');
  }
  return undefined;
}

/**
 * `Set-Cookie` for a sign-in (or, with `value` empty, a sign-out): HttpOnly
 * (no script reads it), Secure, SameSite=Strict (no other site's request
 * carries it), and Path `{base}/agent/`, so the browser never sends it to the
 * visitor routes or the inbox page itself.
 */
export function agentCookieHeader(basePath: string, value: string): string {
  const maxAge = value ? AGENT_COOKIE_SECONDS : 0;
  return `${AGENT_COOKIE}=${value}; Path=${basePath}/agent/; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Strict`;
}

async function mac(token: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(token), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return encodeBase64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`chatq-agent-cookie\n${text}`))));
}
