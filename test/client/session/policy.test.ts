/**
 * session/policy.ts, SPEC §5 and §10 "Outages": the widget asks the community's rules before
 * registering anything, and asks again only when no server answered. Driven against the real
 * handler (real-server.ts); how the messenger acts on it is test/client/policy.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PolicyResponse } from '../../../src/identity/index.js';
import { askPolicy, type PolicySource } from '../../../src/client/session/policy.js';
import { Api } from '../../../src/client/transport/api.js';
import { BASE, closeRealServers, flush, realServer, type RealServer, type RealServerOptions } from '../real-server.js';
import { fakeClock } from '../transport/session.js';

beforeEach(fakeClock);
afterEach(() => {
  closeRealServers();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

interface Asked {
  server: RealServer;
  source: PolicySource;
  answers: [boolean, PolicyResponse | undefined][];
  unreached: (number | undefined)[];
}

/** askPolicy against a real server made with `options`, `prepare`d first; settled. */
async function ask(options: RealServerOptions = {}, prepare: (server: RealServer) => void = () => {}): Promise<Asked> {
  const server = realServer(options).install();
  prepare(server);
  const answers: Asked['answers'] = [];
  const unreached: Asked['unreached'] = [];
  const source = askPolicy(new Api(BASE), (anonymous, answer) => answers.push([anonymous, answer]), (after) => unreached.push(after));
  await flush();
  return { server, source, answers, unreached };
}

const policyRequests = (server: RealServer): number => server.requests.filter((r) => r.url === `${BASE}/v1/policy`).length;

describe('the server tells its policy', () => {
  it('lets an anonymous visitor start the chat when unsigned identities are taken (reject mode), and keeps the policy', async () => {
    const { source, answers, unreached } = await ask({ policy: { mode: 'reject', minTokenLifetime: 60 } });
    expect(source.policy).toMatchObject({ mode: 'reject', minTokenLifetime: 60 });
    expect(answers).toHaveLength(1);
    expect(answers[0]![0]).toBe(true);
    expect(answers[0]![1]!.policy).toEqual(source.policy);
    expect(unreached).toEqual([]);
  });

  it('starts nothing for an anonymous visitor in require mode', async () => {
    const { source, answers } = await ask({ policy: { mode: 'require' } });
    expect(source.policy?.mode).toBe('require');
    expect(answers.map(([anonymous]) => anonymous)).toEqual([false]);
  });

  it('lets a server that tells no policy be probed by registering', async () => {
    const { source, answers } = await ask({ publishPolicy: false });
    expect(source.policy).toBeUndefined();
    expect(answers.map(([anonymous]) => anonymous)).toEqual([true]);
  });
});

describe('the server cannot be reached', () => {
  it.each([
    ['the network fails', 'network' as const, undefined],
    ['a proxy answers 503', { status: 503, code: 'ERR_UNAVAILABLE' }, undefined],
    ['the server is busy (429, Retry-After)', { status: 429, code: 'ERR_RATE_LIMITED', retryAfter: 7 }, 7],
  ])('when %s: nothing starts, the caller is told (with the wait), and retry asks again', async (_, fault, after) => {
    const { server, source, answers, unreached } = await ask({ policy: { mode: 'reject' } }, (s) => s.fail('/v1/policy', fault));
    expect(answers).toEqual([[false, undefined]]);
    expect(unreached).toEqual([after]);
    source.retry();
    await flush();
    expect(policyRequests(server)).toBe(2);
    expect(answers[1]![0]).toBe(true);
    expect(source.policy?.mode).toBe('reject');
    source.retry();
    await flush();
    expect(policyRequests(server)).toBe(2);
  });
});

describe('the server refuses', () => {
  it('lets a server without the endpoint (404) be probed by registering, and never asks again', async () => {
    const { server, source, answers, unreached } = await ask({}, (s) => s.fail('/v1/policy', { status: 404, code: 'ERR_NOT_FOUND' }));
    expect(answers).toEqual([[true, undefined]]);
    expect(unreached).toEqual([]);
    source.retry();
    await flush();
    expect(policyRequests(server)).toBe(1);
  });

  it('logs a refused page origin (403) in the server’s words, starts nothing, and never asks again', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { server, source, answers, unreached } = await ask({ allowedOrigins: ['https://another-shop.example'] });
    expect(answers).toEqual([[false, undefined]]);
    expect(unreached).toEqual([]);
    expect(logged).toHaveBeenCalledOnce();
    expect(String(logged.mock.calls[0]![0])).toMatch(new RegExp(`^chatq: .*"${location.origin}".*allowedOrigins`));
    source.retry();
    await flush();
    expect(policyRequests(server)).toBe(1);
  });
});
