/**
 * SPEC §11 "Presence" over real HTTP (memory engine): an agent is available
 * while an agent stream of theirs is open and their status is online; the
 * visitor side (policy and stream) learns only `available` and `replyTime`,
 * never who.
 */
import { describe, expect, it } from 'vitest';
import { AGENT_PATHS, VISITOR_PATHS } from '../../../../src/identity/index.js';
import { createMemoryEngine } from '../../../../src/server/engine/memory.js';
import type { BusEvent, Engine, LiveBus } from '../../../../src/server/engine/types.js';
import { HOST_ORIGIN } from '../helpers.js';
import { Agent, ALICE, BOB, presenceEvents, serve, Visitor } from './kit.js';

/**
 * A bus whose community subscriptions hear nothing until `open()`, and only then are `ready`: a
 * Redis SUBSCRIBE still on its way, for as long as the test wants.
 */
function slowToSubscribe(bus: LiveBus): { bus: LiveBus; open(): void } {
  let opened = false;
  let open = (): void => {};
  const live = new Promise<void>((resolve) => (open = () => ((opened = true), resolve())));
  return {
    open: () => open(),
    bus: {
      publish: (community, event) => bus.publish(community, event),
      subscribe(community, listener, topic) {
        const inner = bus.subscribe(community, (event: BusEvent) => opened && listener(event), topic);
        return Object.assign(() => inner(), { ready: topic === undefined || topic === 'community' ? live : inner.ready });
      },
    },
  };
}

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

  it('an instance whose subscription went live after the others announced asks them again then (not at the next heartbeat)', async () => {
    const engine = createMemoryEngine();
    const first = await serve({ engine, communityId: 'shop', limits: { heartbeatMs: 25_000 } });
    const abort = new AbortController();
    const agentStream = await fetch(`${first.base}${AGENT_PATHS.stream}`, { headers: { Authorization: `Bearer ${ALICE.token}` }, signal: abort.signal });
    expect(agentStream.status).toBe(200);
    const slow = slowToSubscribe(engine.bus);
    const second = await serve({ engine: { ...engine, bus: slow.bus } satisfies Engine, communityId: 'shop', limits: { heartbeatMs: 25_000 } });
    // Its questions went out and were answered before it could hear (past the half second after which
    // it used to ask a second time, as a guess): it knows of no agent yet.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(await policyPresence(second.base)).toEqual({ available: false });
    slow.open();
    await expect.poll(() => policyPresence(second.base), { timeout: 5_000 }).toEqual({ available: true });
    abort.abort();
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

describe('a new instance whose publishing connection comes up after its subscription', () => {
  it('asks the others again until the question goes out (the first tries failed)', async () => {
    const { PresenceTracker } = await import('../../../../src/server/handler/agents/presence.js');
    const sent: string[] = [];
    let up = false;
    const publish = (event: { type: string }): boolean => {
      if (!up) return false; // the bus refused it: not connected yet
      sent.push(event.type);
      return true;
    };
    const tracker = new PresenceTracker('b', publish, 60_000, () => {});
    const asking = tracker.subscribed();
    await new Promise((resolve) => setTimeout(resolve, 200)); // a few refused tries
    up = true;
    await asking;
    expect(sent).toEqual(['presence_query']);
    tracker.close();
  });

  it('stops asking once closed', async () => {
    const { PresenceTracker } = await import('../../../../src/server/handler/agents/presence.js');
    let tries = 0;
    const tracker = new PresenceTracker('b', () => (tries++, false), 60_000, () => {});
    const asking = tracker.subscribed();
    tracker.close();
    await asking;
    expect(tries).toBeLessThanOrEqual(3); // the constructor's question, one try, the close's announcement
  });
});
