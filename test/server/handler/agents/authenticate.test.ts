import { afterEach, describe, expect, it } from 'vitest';
import type { AgentIdentity } from '../../../../src/identity/index.js';
import { createAgentAccess, type AgentAccess } from '../../../../src/server/handler/agents/access.js';
import { agentOfToken, authenticateAgent, refuseCrossOrigin } from '../../../../src/server/handler/agents/authenticate.js';
import { resolveAgents } from '../../../../src/server/handler/agents/config.js';
import { issueAgentCookie } from '../../../../src/server/handler/agents/cookie.js';
import type { Call } from '../../../../src/server/handler/context.js';
import { HttpError } from '../../../../src/server/handler/http/errors.js';
import { httpError, testContext, type TestContext } from '../context-kit.js';

const ANA = { id: 'ana', name: 'Ana', token: 'a'.repeat(32) };
const PUBLIC_ORIGIN = 'https://chat.test';

const opened: AgentAccess[] = [];
afterEach(() => {
  for (const access of opened.splice(0)) access.presence.close();
});

function agentContext(options: { authenticateAgent?: (request: Request) => Promise<unknown>; limit?: number } = {}): TestContext {
  const base = testContext({ limits: { agentAuthFailuresPerMinutePerAddress: options.limit ?? 10 } });
  const setup = resolveAgents({ agents: [ANA], ...(options.authenticateAgent ? { authenticateAgent: options.authenticateAgent } : {}) })!;
  const agents = createAgentAccess(setup, { publicOrigin: PUBLIC_ORIGIN, hub: base.hub, intervalMs: 60_000, publish: () => undefined });
  opened.push(agents);
  return { ...base, agents };
}

function call(headers: Record<string, string> = {}): Call {
  const request = new Request('https://chat.test/agent/v1/me', { headers });
  return { request, url: new URL(request.url), param: '', clientAddress: () => '203.0.113.7' };
}

describe('authenticateAgent: who calls the agent API (SPEC §11)', () => {
  it("signs in the agent whose token is the bearer credential", async () => {
    const ctx = agentContext();
    expect(await authenticateAgent(ctx, call({ Authorization: `Bearer ${ANA.token}` }))).toEqual({ id: 'ana', name: 'Ana' });
  });

  it('refuses a wrong token with 401 ERR_AGENT_UNAUTHORIZED and WWW-Authenticate: Bearer', async () => {
    const ctx = agentContext();
    const error = await httpError(authenticateAgent(ctx, call({ Authorization: `Bearer ${'z'.repeat(32)}` })));
    expect(error).toMatchObject({ status: 401, code: 'ERR_AGENT_UNAUTHORIZED', headers: { 'WWW-Authenticate': 'Bearer' } });
    expect(error.message).toMatch(/Authorization: Bearer <token>, or sign in to the inbox/);
  });

  it('limits wrong credentials per address: past the budget, 429 ERR_RATE_LIMITED', async () => {
    const ctx = agentContext({ limit: 2 });
    for (let i = 0; i < 2; i++) expect((await httpError(authenticateAgent(ctx, call()))).code).toBe('ERR_AGENT_UNAUTHORIZED');
    expect(await httpError(authenticateAgent(ctx, call()))).toMatchObject({ status: 429, code: 'ERR_RATE_LIMITED' });
    expect(ctx.taken.at(-1)).toBe('shop:agent-auth:address:203.0.113.7');
    // The right token still signs in: only failures spend the budget.
    expect(await authenticateAgent(ctx, call({ Authorization: `Bearer ${ANA.token}` }))).toMatchObject({ id: 'ana' });
  });

  it("refuses everyone when the agent API is off", async () => {
    const ctx = testContext();
    expect((await httpError(authenticateAgent(ctx, call({ Authorization: `Bearer ${ANA.token}` })))).code).toBe('ERR_AGENT_UNAUTHORIZED');
  });

  it("signs in the inbox's cookie from the chat server's own pages only", async () => {
    const ctx = agentContext();
    const cookie = `chatq_agent=${await issueAgentCookie({ id: 'ana', name: 'Ana' }, ANA.token, ctx.clock.at)}`;
    expect(await authenticateAgent(ctx, call({ Cookie: cookie }))).toMatchObject({ id: 'ana' });
    expect(await authenticateAgent(ctx, call({ Cookie: cookie, 'Sec-Fetch-Site': 'same-origin' }))).toMatchObject({ id: 'ana' });
    expect(await authenticateAgent(ctx, call({ Cookie: cookie, 'Sec-Fetch-Site': 'none' }))).toMatchObject({ id: 'ana' });
    expect((await httpError(authenticateAgent(ctx, call({ Cookie: cookie, 'Sec-Fetch-Site': 'same-site' })))).code).toBe('ERR_AGENT_UNAUTHORIZED');
    expect((await httpError(authenticateAgent(ctx, call({ Cookie: 'chatq_agent=v1.forged.1.x' })))).code).toBe('ERR_AGENT_UNAUTHORIZED');
  });

  it("asks the integrator's authenticateAgent after the tokens, and takes its agent", async () => {
    const seen: Request[] = [];
    const ctx = agentContext({
      authenticateAgent: async (request) => {
        seen.push(request);
        return request.headers.get('X-Sso') === 'ok' ? { id: 'sso:7', name: 'Sam', avatarUrl: 'https://cdn.test/s.png' } : null;
      },
    });
    expect(await authenticateAgent(ctx, call({ 'X-Sso': 'ok' }))).toEqual({ id: 'sso:7', name: 'Sam', avatarUrl: 'https://cdn.test/s.png' });
    expect((await httpError(authenticateAgent(ctx, call()))).code).toBe('ERR_AGENT_UNAUTHORIZED');
    await authenticateAgent(ctx, call({ Authorization: `Bearer ${ANA.token}` }));
    expect(seen).toHaveLength(2);
  });

  it('reads an answer of undefined like null: nobody signed in (401), not a wrong shape', async () => {
    const ctx = agentContext({ authenticateAgent: async () => undefined });
    expect((await httpError(authenticateAgent(ctx, call()))).code).toBe('ERR_AGENT_UNAUTHORIZED');
  });

  it("makes a throwing authenticateAgent an internal error (500), never a sign-in", async () => {
    const ctx = agentContext({ authenticateAgent: async () => Promise.reject(new Error('sso down')) });
    const error = await authenticateAgent(ctx, call()).catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(HttpError);
    expect((error as Error).message).toBe('authenticateAgent threw: sso down');
  });

  it('makes a wrong shape from authenticateAgent an internal error that says the shape', async () => {
    for (const answer of [{ id: 'bad id', name: 'X' }, { id: 'x', name: '' }, { id: 'x', name: 'X', avatarUrl: 'ftp://a' }, 'ana', { id: 'x', name: 'n'.repeat(101) }]) {
      const ctx = agentContext({ authenticateAgent: async () => answer });
      const error = await authenticateAgent(ctx, call()).catch((caught: unknown) => caught);
      expect(error, JSON.stringify(answer)).not.toBeInstanceOf(HttpError);
      expect((error as Error).message).toMatch(/returned something other than null or \{ id, name, avatarUrl\? \}/);
    }
  });
});

describe('agentOfToken', () => {
  it('finds the agent of a token and nothing for another or none', async () => {
    const ctx = agentContext();
    expect(await agentOfToken(ctx.agents!, ANA.token)).toEqual<AgentIdentity>({ id: 'ana', name: 'Ana' });
    expect(await agentOfToken(ctx.agents!, `${ANA.token}x`)).toBeUndefined();
    expect(await agentOfToken(ctx.agents!, undefined)).toBeUndefined();
  });
});

describe('refuseCrossOrigin: state-changing agent routes take no other site\'s request (SPEC §11 "Security")', () => {
  it("passes the chat server's own page, a server without Origin, and an Origin equal to publicOrigin", () => {
    const ctx = agentContext();
    expect(() => refuseCrossOrigin(ctx, call({ 'Sec-Fetch-Site': 'same-origin', Origin: 'https://other.test' }))).not.toThrow();
    expect(() => refuseCrossOrigin(ctx, call())).not.toThrow();
    expect(() => refuseCrossOrigin(ctx, call({ Origin: PUBLIC_ORIGIN }))).not.toThrow();
    expect(() => refuseCrossOrigin(ctx, call({ 'Sec-Fetch-Site': 'none' }))).not.toThrow();
  });

  it('refuses another site, a sibling subdomain and a foreign Origin with 403 ERR_ORIGIN_NOT_ALLOWED naming publicOrigin', () => {
    const ctx = agentContext();
    const foreign: Record<string, string>[] = [{ 'Sec-Fetch-Site': 'cross-site' }, { 'Sec-Fetch-Site': 'same-site', Origin: PUBLIC_ORIGIN }, { Origin: 'https://evil.test' }];
    for (const headers of foreign) {
      let error: unknown;
      try {
        refuseCrossOrigin(ctx, call(headers));
      } catch (caught) {
        error = caught;
      }
      expect(error, JSON.stringify(headers)).toMatchObject({ status: 403, code: 'ERR_ORIGIN_NOT_ALLOWED' });
      expect((error as Error).message).toMatch(/own origin \(https:\/\/chat\.test\); set publicOrigin/);
    }
  });
});
