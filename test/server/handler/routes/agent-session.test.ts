/**
 * `POST|DELETE {base}/agent/v1/session` (SPEC §11): the inbox's sign-in,
 * an agent token exchanged for an HttpOnly cookie no script can read, and the
 * sign-out; only from the chat server's own origin, wrong tokens rate-limited per address.
 */
import { describe, expect, it } from 'vitest';
import { AGENT_PATHS } from '../../../../src/identity/index.js';
import { agentSignIn, agentSignOut } from '../../../../src/server/handler/routes/agent-session.js';
import { authenticateAgent } from '../../../../src/server/handler/routes/shared/agent.js';
import { agentContext, BOB, body, call, identityOf, refusal } from './route-context.js';

const SAME_ORIGIN = { 'Sec-Fetch-Site': 'same-origin' };

describe('agentSignIn', () => {
  it('answers the agent with an HttpOnly, Secure, SameSite=Strict cookie for {base}/agent/ that signs the agent in', async () => {
    const { ctx } = agentContext({ basePath: '/chatq' });
    const reply = await agentSignIn(ctx, call(ctx, AGENT_PATHS.session, { headers: SAME_ORIGIN, body: { token: ` ${BOB.token}\n` } }));
    expect(reply.status).toBe(200);
    expect(body(reply)).toEqual({ agent: identityOf(BOB) });
    expect(reply.headers['cache-control']).toBe('no-store');
    const cookie = reply.headers['set-cookie']!;
    expect(cookie).toMatch(/^chatq_agent=v1\.[^;]+; Path=\/chatq\/agent\/; Max-Age=\d+; HttpOnly; Secure; SameSite=Strict$/);
    const value = cookie.slice(0, cookie.indexOf(';'));
    expect(await authenticateAgent(ctx, call(ctx, AGENT_PATHS.me, { headers: { Cookie: value, ...SAME_ORIGIN } }))).toEqual(identityOf(BOB));
  });

  it('refuses what is not an agent token with 401 and a sentence saying which token to paste', async () => {
    const { ctx } = agentContext();
    for (const token of ['not-a-token-not-a-token-not-a-token', '   ', 42, undefined]) {
      expect(await refusal(agentSignIn(ctx, call(ctx, AGENT_PATHS.session, { headers: SAME_ORIGIN, body: { token } }))), String(token)).toMatchObject({
        status: 401,
        code: 'ERR_AGENT_UNAUTHORIZED',
        message: expect.stringContaining('paste the token from the agents option'),
        headers: { 'WWW-Authenticate': 'Bearer' },
      });
    }
  });

  it('counts wrong tokens per address: past the limit, 429 with Retry-After, while another address still gets its 401', async () => {
    const { ctx } = agentContext({ limits: { agentAuthFailuresPerMinutePerAddress: 2 } });
    const attempt = (address: string) => refusal(agentSignIn(ctx, call(ctx, AGENT_PATHS.session, { headers: SAME_ORIGIN, body: { token: 'wrong-token-wrong-token-wrong' }, address })));
    expect((await attempt('192.0.2.1')).status).toBe(401);
    expect((await attempt('192.0.2.1')).status).toBe(401);
    expect(await attempt('192.0.2.1')).toMatchObject({ status: 429, code: 'ERR_RATE_LIMITED', headers: { 'Retry-After': expect.stringMatching(/^[1-9]\d*$/) } });
    expect((await attempt('198.51.100.7')).status).toBe(401);
  });

  it('refuses a sign-in from another site before looking at the token (403)', async () => {
    const { ctx } = agentContext();
    const answer = agentSignIn(ctx, call(ctx, AGENT_PATHS.session, { headers: { Origin: 'https://evil.test', 'Sec-Fetch-Site': 'cross-site' }, body: { token: 'wrong-token-wrong-token-wrong' } }));
    expect(await refusal(answer)).toMatchObject({ status: 403, code: 'ERR_ORIGIN_NOT_ALLOWED' });
  });
});

describe('agentSignOut', () => {
  it('answers 204 clearing the cookie on the same path', async () => {
    const { ctx } = agentContext({ basePath: '/chatq' });
    const reply = await agentSignOut(ctx, call(ctx, AGENT_PATHS.session, { method: 'DELETE', headers: SAME_ORIGIN }));
    expect([reply.status, reply.body]).toEqual([204, null]);
    expect(reply.headers).toMatchObject({ 'set-cookie': 'chatq_agent=; Path=/chatq/agent/; Max-Age=0; HttpOnly; Secure; SameSite=Strict', 'cache-control': 'no-store' });
  });

  it('refuses a sign-out from another site (403): no page can sign the inbox out', async () => {
    const { ctx } = agentContext();
    expect(await refusal(agentSignOut(ctx, call(ctx, AGENT_PATHS.session, { method: 'DELETE', headers: { Origin: 'https://evil.test' } })))).toMatchObject({ status: 403, code: 'ERR_ORIGIN_NOT_ALLOWED' });
  });
});
