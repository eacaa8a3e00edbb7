/**
 * SPEC §11 "Presence" over real HTTP (memory engine): an agent is available
 * while an agent stream of theirs is open and their status is online; the
 * visitor side (policy and stream) learns only `available` and `replyTime`,
 * never who.
 */
import { describe, expect, it } from 'vitest';
import { AGENT_PATHS, VISITOR_PATHS } from '../../../../src/identity/index.js';
import { HOST_ORIGIN } from '../helpers.js';
import { Agent, ALICE, BOB, presenceEvents, serve, Visitor } from './kit.js';

async function policyPresence(base: string): Promise<unknown> {
  const response = await fetch(`${base}${VISITOR_PATHS.policy}`, { headers: { Origin: HOST_ORIGIN } });
  return ((await response.json()) as { presence?: unknown }).presence;
}

describe('presence', () => {
  it('follows the agent streams and the status, in the policy and on the visitor stream, and never says who', async () => {
    const { base } = await serve({ replyTime: 'Usually within an hour' });
    const visitor = await Visitor.register(base);
    const stream = await visitor.stream();
    expect(await policyPresence(base)).toEqual({ available: false, replyTime: 'Usually within an hour' });
    await stream.until((r) => presenceEvents(r).length === 1);

    const alice = new Agent(base, ALICE.token);
    const abort = new AbortController();
    const agentStream = await fetch(`${base}${AGENT_PATHS.stream}`, { headers: { Authorization: `Bearer ${ALICE.token}` }, signal: abort.signal });
    expect(agentStream.status).toBe(200);
    await stream.until((r) => presenceEvents(r).length === 2);
    expect(await policyPresence(base)).toEqual({ available: true, replyTime: 'Usually within an hour' });
    expect((await alice.get(AGENT_PATHS.me)).body.available).toEqual(['alice']);

    expect((await alice.post(AGENT_PATHS.status, { status: 'away' })).status).toBe(204);
    await stream.until((r) => presenceEvents(r).length === 3);
    expect((await alice.get(AGENT_PATHS.me)).body).toMatchObject({ status: 'away', available: [] });
    expect((await alice.post(AGENT_PATHS.status, { status: 'busy' })).status).toBe(400);
    await alice.post(AGENT_PATHS.status, { status: 'online' });
    await stream.until((r) => presenceEvents(r).length === 4);

    abort.abort();
    await stream.until((r) => presenceEvents(r).length === 5);
    expect(presenceEvents(stream)).toEqual(
      [false, true, false, true, false].map((available) => ({ type: 'presence', available, replyTime: 'Usually within an hour' })),
    );
    expect(await policyPresence(base)).toEqual({ available: false, replyTime: 'Usually within an hour' });
    // Only available and replyTime ever reach the visitor side: no id, no name, no count.
    expect(stream.raw).not.toMatch(/alice|Alice/);
  });

  it('a second agent keeps the visitor side available when the first leaves; the agent streams hear the ids', async () => {
    const { base } = await serve();
    const visitor = await Visitor.register(base);
    const stream = await visitor.stream();
    const bob = await new Agent(base, BOB.token).stream();
    const abort = new AbortController();
    await fetch(`${base}${AGENT_PATHS.stream}`, { headers: { Authorization: `Bearer ${ALICE.token}` }, signal: abort.signal });
    await bob.until((r) => r.events.some((e) => e.event === 'presence' && e.data.available.join() === 'alice,bob'));
    abort.abort();
    await bob.until((r) => r.events.some((e) => e.event === 'presence' && e.data.available.join() === 'bob'));
    expect(presenceEvents(stream).map((p) => p.available)).toEqual([false, true]);
  });

  it('is absent from the policy when no agent is configured (the agent API is off)', async () => {
    const { base } = await serve({ agents: undefined });
    expect(await policyPresence(base)).toBeUndefined();
  });
});

describe('a widget written before SPEC §11 (it asks for no optional event)', () => {
  it('never receives presence, typing or read: its stream is exactly as before', async () => {
    const { base } = await serve();
    const visitor = await Visitor.register(base);
    const abort = new AbortController();
    const response = await fetch(`${base}${VISITOR_PATHS.stream}`, { headers: { Authorization: `Bearer ${visitor.session}`, Origin: HOST_ORIGIN }, signal: abort.signal });
    const { SseReader } = await import('../helpers.js');
    const old = new SseReader(response);
    const alice = new Agent(base, ALICE.token);
    await alice.stream(); // available: would be a presence event
    await alice.act(visitor.conversationId, 'typing');
    await alice.reply(visitor.conversationId, 'hello');
    await alice.act(visitor.conversationId, 'read', { seq: 1 });
    await old.until((r) => r.messages().length === 1);
    // The newer stream of the same visitor got them all, so they were sent; the old one got the message alone.
    const newer = await visitor.stream();
    await newer.until((r) => r.events.some((e) => e.event === 'read'));
    expect(old.events.map((e) => e.event)).toEqual(['message']);
    abort.abort();
  });
});
