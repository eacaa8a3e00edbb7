import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '../../../../src/identity/index.js';
import {
  AGENT_COOKIE,
  AGENT_COOKIE_SECONDS,
  agentCookieHeader,
  agentOfCookie,
  issueAgentCookie,
  readAgentCookie,
} from '../../../../src/server/handler/agents/cookie.js';
import { resolveAgents } from '../../../../src/server/handler/agents/config.js';

const ANA = { id: 'ana', name: 'Ana', token: 'a'.repeat(32) };
const BO = { id: 'bo', name: 'Bo', token: 'b'.repeat(32) };
const setup = (agents = [ANA, BO]) => resolveAgents({ agents })!;
const NOW = Date.UTC(2026, 5, 1, 9);

describe('issueAgentCookie and agentOfCookie: a stateless inbox sign-in (SPEC §11)', () => {
  it("signs an agent in until the cookie's expiry, a working day later", async () => {
    const value = await issueAgentCookie(ANA, ANA.token, NOW);
    expect(value).toMatch(/^v1\.[A-Za-z0-9_-]+\.\d+\.[A-Za-z0-9_-]+$/);
    expect(value.split('.')[2]).toBe(String(NOW / 1000 + AGENT_COOKIE_SECONDS));
    expect(await agentOfCookie(setup(), value, NOW + AGENT_COOKIE_SECONDS * 1000 - 1)).toMatchObject({ id: 'ana', name: 'Ana' });
    expect(await agentOfCookie(setup(), value, NOW + AGENT_COOKIE_SECONDS * 1000)).toBeUndefined();
  });

  it("ends every cookie when the agent's token changes or the agent is removed", async () => {
    const value = await issueAgentCookie(ANA, ANA.token, NOW);
    expect(await agentOfCookie(setup([{ ...ANA, token: 'c'.repeat(32) }, BO]), value, NOW)).toBeUndefined();
    expect(await agentOfCookie(setup([BO]), value, NOW)).toBeUndefined();
  });

  it("refuses a cookie forged for another agent, or with its expiry moved", async () => {
    const value = await issueAgentCookie(ANA, ANA.token, NOW);
    const [version, , expires, signature] = value.split('.');
    const asBo = [version, encodeBase64url(new TextEncoder().encode('bo')), expires, signature].join('.');
    expect(await agentOfCookie(setup(), asBo, NOW)).toBeUndefined();
    const later = value.replace(`.${expires}.`, `.${Number(expires) + 3600}.`);
    expect(await agentOfCookie(setup(), later, NOW)).toBeUndefined();
  });

  it('refuses malformed values: another version, a missing or extra part, a non-numeric expiry, bad base64url', async () => {
    const value = await issueAgentCookie(ANA, ANA.token, NOW);
    const [, id, expires, signature] = value.split('.');
    for (const bad of [
      `v2.${id}.${expires}.${signature}`,
      `v1.${id}.${expires}`,
      `${value}.extra`,
      `v1.${id}.12e9.${signature}`,
      `v1.${id}.1234567890123.${signature}`,
      `v1.!!.${expires}.${signature}`,
      '',
    ]) {
      expect(await agentOfCookie(setup(), bad, NOW), bad).toBeUndefined();
    }
  });
});

describe('readAgentCookie', () => {
  it('finds the chatq_agent value among other cookies, = signs in it kept', () => {
    expect(readAgentCookie(`theme=dark; ${AGENT_COOKIE}=v1.a.b.c==; other=1`)).toBe('v1.a.b.c==');
  });

  it('is undefined without a Cookie header or without the cookie', () => {
    expect(readAgentCookie(null)).toBeUndefined();
    expect(readAgentCookie('')).toBeUndefined();
    expect(readAgentCookie('chatq_agent_x=1; xchatq_agent=2')).toBeUndefined();
  });
});

describe('agentCookieHeader', () => {
  it('sets an HttpOnly, Secure, SameSite=Strict cookie scoped to {base}/agent/ for a working day', () => {
    expect(agentCookieHeader('/chatq', 'v1.x')).toBe(`chatq_agent=v1.x; Path=/chatq/agent/; Max-Age=${12 * 3600}; HttpOnly; Secure; SameSite=Strict`);
  });

  it('clears it (Max-Age=0) for a sign-out', () => {
    expect(agentCookieHeader('', '')).toBe('chatq_agent=; Path=/agent/; Max-Age=0; HttpOnly; Secure; SameSite=Strict');
  });
});
