/**
 * SPEC §11 "Agents": each agent signs in with their own token (or the
 * integrator's authenticateAgent), and every agent message carries who wrote
 * it — in the visitor's stream, the visitor's history, the agent history and
 * the agent stream. Over real HTTP against the real handler (memory engine).
 */
import { describe, expect, it } from 'vitest';
import { AGENT_PATHS, VISITOR_PATHS } from '../../../../src/identity/index.js';
import { createMemoryEngine, createMessagingHandler, MessagingConfigError } from '../../../../src/server/handler/index.js';
import { verifierDouble } from '../helpers.js';
import { Agent, ALICE, BOB, CHAT_ORIGIN, later, serve, Visitor } from './kit.js';

const ALICE_PUBLIC = { id: ALICE.id, name: ALICE.name, avatarUrl: ALICE.avatarUrl };

describe('agents: [{ id, name, avatarUrl?, token }]', () => {
  it('an agent message carries its agent in the visitor stream, both histories and the agent stream', async () => {
    const { base } = await serve();
    const visitor = await Visitor.register(base);
    const alice = new Agent(base, ALICE.token);
    const visitorStream = await visitor.stream();
    const agentStream = await new Agent(base, BOB.token).stream();
    const sent = await alice.reply(visitor.conversationId, 'Hello, Alice here');
    expect(sent.status).toBe(201);
    expect(sent.body.message).toMatchObject({ author: 'agent', agent: ALICE_PUBLIC, body: 'Hello, Alice here' });
    await visitorStream.until((r) => r.messages().length === 1);
    expect(visitorStream.messages()[0].agent).toEqual(ALICE_PUBLIC);
    await agentStream.until((r) => r.events.some((e) => e.event === 'message'));
    expect(agentStream.events.find((e) => e.event === 'message')!.data.message.agent).toEqual(ALICE_PUBLIC);
    expect((await visitor.get(VISITOR_PATHS.conversation)).body.messages[0].agent).toEqual(ALICE_PUBLIC);
    const history = await alice.get(`${AGENT_PATHS.conversations}/${encodeURIComponent(visitor.conversationId)}/messages`);
    expect(history.body.messages[0].agent).toEqual(ALICE_PUBLIC);
    // Bob's reply is Bob's, without an avatar he does not have.
    const fromBob = await new Agent(base, BOB.token).reply(visitor.conversationId, 'Bob too');
    expect(fromBob.body.message.agent).toEqual({ id: 'bob', name: 'Bob' });
    // A visitor message carries no agent.
    expect((await visitor.send('thanks')).body.message.agent).toBeUndefined();
  });

  it('GET agent/v1/me says who is signed in and lists the agents', async () => {
    const { base } = await serve();
    const me = await new Agent(base, BOB.token).get(AGENT_PATHS.me);
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ agent: { id: 'bob', name: 'Bob' }, status: 'online', agents: [ALICE_PUBLIC, { id: 'bob', name: 'Bob' }], available: [] });
  });

  it('agentToken stays a shorthand for one agent', async () => {
    const { base } = await serve({ agents: undefined, agentToken: ALICE.token });
    const visitor = await Visitor.register(base);
    const sent = await new Agent(base, ALICE.token).reply(visitor.conversationId, 'hi');
    expect(sent.body.message.agent).toEqual({ id: 'agent', name: 'Agent' });
  });

  it('a configuration error lists every problem with its path', () => {
    let error: unknown;
    try {
      createMessagingHandler({
        verifier: verifierDouble(),
        allowedOrigins: ['https://shop.test'],
        agents: [
          { id: 'a', name: 'A', token: 'short' },
          { id: 'a', name: '', token: ALICE.token },
          { id: 'has space', name: 'C', token: ALICE.token, avatarUrl: 'javascript:alert(1)' },
        ],
        replyTime: 'x'.repeat(300),
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MessagingConfigError);
    expect((error as MessagingConfigError).problems.map((p) => p.path)).toEqual([
      'agents[0].token',
      'agents[1].id',
      'agents[1].name',
      'agents[2].id',
      'agents[2].avatarUrl',
      'agents[2].token',
      'replyTime',
    ]);
    expect((error as Error).message).toContain('7 problems');
  });
});

describe('sign-in', () => {
  it('a wrong token is 401, and wrong credentials are limited per address (429 with Retry-After)', async () => {
    const { base } = await serve({ limits: { agentAuthFailuresPerMinutePerAddress: 3 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await new Agent(base, `${ALICE.token}x`).get(AGENT_PATHS.conversations)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const limited = await new Agent(base, 'nope').get(AGENT_PATHS.me);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it("authenticateAgent: the integrator's own sign-in (here a cookie); null is 401", async () => {
    const { base } = await serve({
      agents: undefined,
      authenticateAgent: async (request) => (request.headers.get('Cookie') === 'admin=carol' ? { id: 'carol', name: 'Carol' } : null),
    });
    const visitor = await Visitor.register(base);
    const carol = new Agent(base, '', { Cookie: 'admin=carol' });
    const sent = await carol.reply(visitor.conversationId, 'from SSO');
    expect(sent.status).toBe(201);
    expect(sent.body.message.agent).toEqual({ id: 'carol', name: 'Carol' });
    expect((await carol.get(AGENT_PATHS.me)).body.agents).toEqual([{ id: 'carol', name: 'Carol' }]);
    expect((await new Agent(base, '', { Cookie: 'admin=mallory' }).get(AGENT_PATHS.conversations)).status).toBe(401);
  });

  it('authenticateAgent throwing is a 500 ERR_INTERNAL in the log, never a sign-in', async () => {
    const logged: string[] = [];
    const { base } = await serve({
      agents: undefined,
      logger: { warn: (message) => logged.push(message) },
      authenticateAgent: async () => {
        throw new Error('SSO is down');
      },
    });
    const answer = await new Agent(base, '').get(AGENT_PATHS.conversations);
    expect(answer.status).toBe(500);
    expect(answer.body.error.code).toBe('ERR_INTERNAL');
    expect(logged.join('\n')).toContain('authenticateAgent threw: SSO is down');
  });

  it('authenticateAgent returning a malformed agent is a 500, never a sign-in', async () => {
    const { base } = await serve({ agents: undefined, authenticateAgent: async () => ({ id: '', name: 'x' }) });
    expect((await new Agent(base, '').get(AGENT_PATHS.conversations)).status).toBe(500);
  });
});

describe('state-changing agent routes refuse cross-origin requests (SPEC §11 "Security")', () => {
  it('refuses another Origin or Sec-Fetch-Site: cross-site; takes its own origin and server callers', async () => {
    const { base } = await serve();
    const visitor = await Visitor.register(base);
    const from = (browser: Record<string, string>) => new Agent(base, ALICE.token, browser);
    const browsers: Record<string, string>[] = [{ Origin: 'https://evil.test' }, { Origin: 'https://shop.test' }, { 'Sec-Fetch-Site': 'cross-site' }, { 'Sec-Fetch-Site': 'same-site' }];
    for (const browser of browsers) {
      for (const answer of [await from(browser).act(visitor.conversationId, 'close'), await from(browser).reply(visitor.conversationId, 'x'), await from(browser).post(AGENT_PATHS.status, { status: 'away' })]) {
        expect(answer.status, JSON.stringify(browser)).toBe(403);
        expect(answer.body.error.code).toBe('ERR_ORIGIN_NOT_ALLOWED');
      }
    }
    expect((await from({ Origin: CHAT_ORIGIN, 'Sec-Fetch-Site': 'same-origin' }).act(visitor.conversationId, 'close')).status).toBe(200);
    expect((await from({}).act(visitor.conversationId, 'reopen')).status).toBe(200);
    // Reading is not a state change: a GET from an allowed origin still works (CORS decides who reads).
    expect((await from({ Origin: 'https://shop.test' }).get(AGENT_PATHS.conversations)).status).toBe(200);
  });
});

describe('an agent of one community sees nothing of another', () => {
  it('on one shared engine: 404 for every action on the other community, and its list stays apart', async () => {
    const engine = createMemoryEngine();
    later(() => engine.close());
    const one = await serve({ engine, communityId: 'one' });
    const two = await serve({ engine, communityId: 'two', agents: [{ id: 'zed', name: 'Zed', token: 'zed-token-0123456789-abcdefghijklmnop' }] });
    const visitor = await Visitor.register(one.base);
    const zed = new Agent(two.base, 'zed-token-0123456789-abcdefghijklmnop');
    for (const action of ['close', 'reopen', 'typing'] as const) expect((await zed.act(visitor.conversationId, action)).status).toBe(404);
    expect((await zed.act(visitor.conversationId, 'assign', { agentId: 'zed' })).status).toBe(404);
    expect((await zed.act(visitor.conversationId, 'read', { seq: 0 })).status).toBe(404);
    expect((await zed.reply(visitor.conversationId, 'hi')).status).toBe(404);
    expect((await zed.get(AGENT_PATHS.conversations)).body.conversations).toEqual([]);
    // Alice's token means nothing on community two.
    expect((await new Agent(two.base, ALICE.token).get(AGENT_PATHS.conversations)).status).toBe(401);
  });
});

describe('a custom store without the SPEC §11 state methods', () => {
  it('is refused at start-up, naming the option and the methods', async () => {
    const { createMemoryStore } = await import('../../../../src/server/handler/index.js');
    const { updateState: _u, noteVisitorMessage: _n, ...old } = createMemoryStore();
    expect(() => createMessagingHandler({ verifier: verifierDouble(), allowedOrigins: ['https://shop.test'], store: old as never })).toThrow(
      expect.objectContaining({ code: 'ERR_HANDLER_CONFIG', path: 'store', message: expect.stringContaining('updateState or noteVisitorMessage') }),
    );
  });
});
