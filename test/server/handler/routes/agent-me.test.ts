/**
 * `GET {base}/agent/v1/me` and `POST {base}/agent/v1/status` (SPEC §11
 * "Presence"): who is signed in, their status, whom they may assign to, who
 * is available; and an agent setting itself away or online.
 */
import { describe, expect, it } from 'vitest';
import { AGENT_PATHS } from '../../../../src/identity/index.js';
import { agentMe, agentStatus } from '../../../../src/server/handler/routes/agent-me.js';
import { agentContext, ALICE, BOB, body, call, CHAT_ORIGIN, identityOf, refusal } from './route-context.js';

const alice = { Authorization: `Bearer ${ALICE.token}` };

describe('agentMe', () => {
  it('answers the agent, its status, the listed agents in option order and who is available', async () => {
    const { ctx } = agentContext();
    const close = ctx.agents!.presence.connect(BOB.id);
    const reply = await agentMe(ctx, call(ctx, AGENT_PATHS.me, { headers: alice }));
    close();
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(body(reply)).toEqual({ agent: identityOf(ALICE), status: 'online', agents: [identityOf(ALICE), identityOf(BOB)], available: ['bob'] });
  });

  it('adds an agent the integrator signed in who is not in the list, so it can assign to itself', async () => {
    const carol = { id: 'carol', name: 'Carol' };
    const { ctx } = agentContext({ authenticateAgent: async () => carol });
    const reply = await agentMe(ctx, call(ctx, AGENT_PATHS.me));
    expect(body(reply)).toMatchObject({ agent: carol, agents: [identityOf(ALICE), identityOf(BOB), carol] });
  });

  it('refuses a request with no agent credential: 401 ERR_AGENT_UNAUTHORIZED with WWW-Authenticate', async () => {
    const { ctx } = agentContext();
    expect(await refusal(agentMe(ctx, call(ctx, AGENT_PATHS.me, { headers: { Authorization: 'Bearer not-an-agent-token-at-all-0123' } })))).toMatchObject({
      status: 401,
      code: 'ERR_AGENT_UNAUTHORIZED',
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  });
});

describe('agentStatus', () => {
  it('sets the agent away (no longer available) and online again, answering 204', async () => {
    const { ctx, published } = agentContext();
    const close = ctx.agents!.presence.connect(ALICE.id);
    const away = await agentStatus(ctx, call(ctx, AGENT_PATHS.status, { headers: alice, body: { status: 'away' } }));
    expect([away.status, away.body]).toEqual([204, null]);
    expect(ctx.agents!.presence.statusOf(ALICE.id)).toBe('away');
    expect(ctx.agents!.presence.availableAgents).toEqual([]);
    expect(published).toContainEqual({ type: 'agent_status', agentId: 'alice', status: 'away' });
    await agentStatus(ctx, call(ctx, AGENT_PATHS.status, { headers: alice, body: { status: 'online' } }));
    expect(ctx.agents!.presence.availableAgents).toEqual(['alice']);
    close();
  });

  it('refuses any other status with 400 ERR_BAD_REQUEST, changing nothing', async () => {
    const { ctx } = agentContext();
    for (const status of ['busy', 'Away', undefined]) {
      expect(await refusal(agentStatus(ctx, call(ctx, AGENT_PATHS.status, { headers: alice, body: { status } })))).toMatchObject({
        status: 400,
        code: 'ERR_BAD_REQUEST',
        message: 'status must be "online" or "away".',
      });
    }
    expect(ctx.agents!.presence.statusOf(ALICE.id)).toBe('online');
  });

  it('takes the change from the chat server’s own origin and refuses it from another site (403)', async () => {
    const { ctx } = agentContext();
    const from = (headers: Record<string, string>) => agentStatus(ctx, call(ctx, AGENT_PATHS.status, { headers: { ...alice, ...headers }, body: { status: 'away' } }));
    expect((await from({ Origin: CHAT_ORIGIN })).status).toBe(204);
    expect(await refusal(from({ Origin: 'https://evil.test' }))).toMatchObject({ status: 403, code: 'ERR_ORIGIN_NOT_ALLOWED' });
    expect(await refusal(from({ 'Sec-Fetch-Site': 'cross-site' }))).toMatchObject({ status: 403, code: 'ERR_ORIGIN_NOT_ALLOWED' });
  });
});
