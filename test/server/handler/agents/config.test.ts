import { describe, expect, it } from 'vitest';
import { AGENT_ID_PATTERN, checkStoreState, resolveAgents, TOKEN_AGENT } from '../../../../src/server/handler/agents/config.js';
import { createMemoryStore } from '../../../../src/server/store/index.js';
import type { ConversationStore } from '../../../../src/server/store/index.js';
import { configError } from '../context-kit.js';

const TOKEN_A = 'a'.repeat(32);
const TOKEN_B = 'b'.repeat(40);

describe('resolveAgents: who may use the agent API (SPEC §11)', () => {
  it('is undefined (the agent API is off) without agentToken, agents or authenticateAgent', () => {
    expect(resolveAgents({})).toBeUndefined();
    expect(resolveAgents({ agentToken: '', agents: [] })).toBeUndefined();
    expect(resolveAgents({ replyTime: 'Within an hour' })).toBeUndefined();
  });

  it('reads agentToken as the shorthand for one agent { id: agent, name: Agent }', () => {
    const setup = resolveAgents({ agentToken: TOKEN_A })!;
    expect(setup.byToken.get(TOKEN_A)).toBe(TOKEN_AGENT);
    expect(setup.listed).toEqual([{ id: 'agent', name: 'Agent' }]);
    expect(Object.isFrozen(TOKEN_AGENT)).toBe(true);
  });

  it('lists each agent under their own token, frozen, avatarUrl only when given, with the replyTime', () => {
    const setup = resolveAgents({
      agentToken: TOKEN_A,
      agents: [{ id: 'ana@shop', name: 'Ana', avatarUrl: 'https://cdn.test/ana.png', token: TOKEN_B }],
      replyTime: 'Usually replies within an hour',
    })!;
    expect(setup.listed).toEqual([TOKEN_AGENT, { id: 'ana@shop', name: 'Ana', avatarUrl: 'https://cdn.test/ana.png' }]);
    expect(setup.byToken.get(TOKEN_B)).toEqual({ id: 'ana@shop', name: 'Ana', avatarUrl: 'https://cdn.test/ana.png' });
    expect(Object.isFrozen(setup.listed[1])).toBe(true);
    expect(setup.replyTime).toBe('Usually replies within an hour');
    expect(setup.authenticate).toBeUndefined();
  });

  it('turns the API on with authenticateAgent alone', () => {
    const authenticateAgent = async () => null;
    expect(resolveAgents({ authenticateAgent })).toEqual({ byToken: new Map(), authenticate: authenticateAgent, listed: [], replyTime: undefined });
  });

  it('names one problem with its path and a message that says what to use', () => {
    const error = configError(() => resolveAgents({ agentToken: 'short' }));
    expect(error.code).toBe('ERR_HANDLER_CONFIG');
    expect(error.path).toBe('agentToken');
    expect(error.message).toMatch(/32–512 printable characters.*openssl rand -base64 32.*got 5 characters/);
  });

  it('lists every problem of every entry in one error, each with its path', () => {
    const error = configError(() =>
      resolveAgents({
        agents: [
          { id: 'bad id', name: '', avatarUrl: 'javascript:alert(1)', token: 'x' },
          'not an object',
          { id: 'ana', name: 'A'.repeat(101), token: TOKEN_A },
        ],
        authenticateAgent: 'yes',
        replyTime: 'x'.repeat(201),
      }),
    );
    expect(error.problems.map((problem) => problem.path)).toEqual([
      'agents[0].id',
      'agents[0].name',
      'agents[0].avatarUrl',
      'agents[0].token',
      'agents[1]',
      'agents[2].name',
      'authenticateAgent',
      'replyTime',
    ]);
    expect(error.message).toMatch(/^createMessagingHandler: 8 problems: agents\[0\]\.id: must be 1–128 characters/);
  });

  it('refuses a duplicate id or token, also against agentToken and beside another mistake', () => {
    const error = configError(() =>
      resolveAgents({
        agentToken: TOKEN_A,
        agents: [
          { id: 'ana', name: 'Ana', token: TOKEN_A },
          { id: 'ana', name: '', token: TOKEN_B },
          { id: 'bo', name: 'Bo', token: TOKEN_B },
        ],
      }),
    );
    expect(error.problems.map((problem) => [problem.path, problem.message])).toEqual([
      ['agents[0].token', 'agents[0].token: is the token of another agent (or agentToken); each agent needs their own.'],
      ['agents[1].id', 'agents[1].id: "ana" is used by another agent; ids must be unique.'],
      ['agents[1].name', 'agents[1].name: must be plain text of 1–100 characters.'],
      ['agents[2].token', 'agents[2].token: is the token of another agent (or agentToken); each agent needs their own.'],
    ]);
  });

  it('refuses agents that is not a list, a token with a space or past 512 characters, and a replyTime with markup', () => {
    expect(configError(() => resolveAgents({ agents: {} })).path).toBe('agents');
    expect(configError(() => resolveAgents({ agents: [{ id: 'a', name: 'A', token: `${'t'.repeat(31)} x` }] })).path).toBe('agents[0].token');
    expect(configError(() => resolveAgents({ agents: [{ id: 'a', name: 'A', token: 't'.repeat(513) }] })).path).toBe('agents[0].token');
    expect(configError(() => resolveAgents({ agentToken: TOKEN_A, replyTime: 42 })).path).toBe('replyTime');
    expect(configError(() => resolveAgents({ agentToken: TOKEN_A, agents: [{ id: 'a', name: 'A', token: TOKEN_B, avatarUrl: `https://x.test/${'a'.repeat(2048)}` }] })).path).toBe(
      'agents[0].avatarUrl',
    );
  });
});

describe('AGENT_ID_PATTERN', () => {
  it('takes 1–128 of A-Z a-z 0-9 . _ @ : - and nothing else', () => {
    expect(AGENT_ID_PATTERN.test('ana.b_c@shop:1-2')).toBe(true);
    expect(AGENT_ID_PATTERN.test('a'.repeat(128))).toBe(true);
    expect(AGENT_ID_PATTERN.test('a'.repeat(129))).toBe(false);
    expect(AGENT_ID_PATTERN.test('')).toBe(false);
    expect(AGENT_ID_PATTERN.test('ana/bo')).toBe(false);
  });
});

describe('checkStoreState: a store written before SPEC §11', () => {
  it('passes a store with the state methods', () => {
    expect(() => checkStoreState(createMemoryStore())).not.toThrow();
  });

  it('is refused at start-up, naming each missing method', () => {
    const { updateState: _u, noteVisitorMessage: _n, ...old } = createMemoryStore();
    const error = configError(() => checkStoreState(old as unknown as ConversationStore));
    expect(error).toMatchObject({ code: 'ERR_HANDLER_CONFIG', path: 'store' });
    expect(error.message).toMatch(/the store has no updateState or noteVisitorMessage/);
    const { noteVisitorMessage: _only, ...half } = createMemoryStore();
    expect(configError(() => checkStoreState(half as unknown as ConversationStore)).message).toMatch(/has no noteVisitorMessage \(/);
  });
});
