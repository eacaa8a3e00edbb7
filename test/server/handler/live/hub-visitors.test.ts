/**
 * The hub's visitor streams (issue 22 item 4): one bus listener for every
 * conversation topic (no closure per open conversation), a topic held while
 * a stream of it is open here, and a resync that reaches each stream once.
 */
import { describe, expect, it } from 'vitest';
import { createLocalBus } from '../../../../src/server/engine/local-bus.js';
import type { BusEvent, LiveBus } from '../../../../src/server/engine/types.js';
import { LiveHub, type VisitorStream } from '../../../../src/server/handler/live/hub.js';
import type { ChatMessage } from '../../../../src/identity/index.js';

/** A local bus that also records who listens to what. */
function watchedBus(): { bus: LiveBus; listeners: Set<unknown>; topics: Map<string, number>; deliver: (event: BusEvent) => void } {
  const inner = createLocalBus();
  const listeners = new Set<unknown>();
  const topics = new Map<string, number>();
  const subscribed: ((event: BusEvent) => void)[] = [];
  const bus: LiveBus = {
    publish: (community, event) => inner.publish(community, event),
    subscribe(community, listener, topic = 'community') {
      const key = typeof topic === 'string' ? topic : topic.conversationId;
      listeners.add(listener);
      subscribed.push(listener);
      topics.set(key, (topics.get(key) ?? 0) + 1);
      const unsubscribe = inner.subscribe(community, listener, topic);
      return Object.assign(() => {
        topics.set(key, topics.get(key)! - 1);
        unsubscribe();
      }, { ready: unsubscribe.ready });
    },
  };
  // What the Redis bus does when its subscriber is ready again: resync to every listener of every channel.
  const deliver = (event: BusEvent): void => subscribed.forEach((listener) => listener(event));
  return { bus, listeners, topics, deliver };
}

function visitor(conversationId: string, sessionId = `s-${conversationId}`, address = '203.0.113.7'): VisitorStream & { wakes: number; ended: string[] } {
  return {
    conversationId,
    sessionId,
    address,
    wakes: 0,
    ended: [],
    wake() {
      this.wakes++;
    },
    end(reason) {
      this.ended.push(reason ?? 'closed');
    },
  };
}

const message = { id: 'm1', seq: 1, author: 'agent', body: 'hi', createdAt: 0 } as unknown as ChatMessage;

describe('the hub and its visitor streams', () => {
  it('streams of 200 conversations share one bus listener', () => {
    const { bus, listeners, topics } = watchedBus();
    const hub = new LiveHub(bus, 'acme');
    for (let i = 0; i < 200; i++) hub.addVisitor(visitor(`c${i}`));
    expect(topics.size).toBe(200);
    expect(listeners.size).toBe(1);
    hub.closeAll();
  });

  it('a message wakes the streams of its conversation only', async () => {
    const { bus } = watchedBus();
    const hub = new LiveHub(bus, 'acme');
    const [a1, a2, b] = [visitor('a', 's1'), visitor('a', 's2'), visitor('b')];
    for (const stream of [a1, a2, b]) hub.addVisitor(stream);
    await Promise.resolve(); // the subscriptions' `ready` wakes
    const before = [a1.wakes, a2.wakes, b.wakes];
    await bus.publish('acme', { type: 'message', conversationId: 'a', message });
    expect([a1.wakes, a2.wakes, b.wakes]).toEqual([before[0]! + 1, before[1]! + 1, before[2]]);
  });

  it('holds a topic while a stream of it is open here; removing a stream twice does nothing', () => {
    const { bus, topics } = watchedBus();
    const hub = new LiveHub(bus, 'acme');
    const [one, two] = [visitor('a', 's1'), visitor('a', 's2')];
    hub.addVisitor(one);
    hub.addVisitor(two);
    expect(topics.get('a')).toBe(1);
    hub.removeVisitor(one);
    hub.removeVisitor(one);
    expect(topics.get('a')).toBe(1);
    hub.removeVisitor(two);
    expect(topics.get('a')).toBe(0);
    hub.addVisitor(one);
    expect(topics.get('a')).toBe(1);
    hub.removeVisitor(one);
    expect(topics.get('a')).toBe(0);
  });

  it('counts streams per session and per address as they open and close', () => {
    const { bus } = watchedBus();
    const hub = new LiveHub(bus, 'acme');
    const streams = [visitor('a', 's1', 'x'), visitor('a', 's1', 'x'), visitor('b', 's2', 'x')];
    for (const stream of streams) hub.addVisitor(stream);
    expect([hub.streamsOfSession('s1'), hub.streamsOfSession('s2'), hub.streamsOfAddress('x')]).toEqual([2, 1, 3]);
    hub.removeVisitor(streams[0]!);
    expect([hub.streamsOfSession('s1'), hub.streamsOfAddress('x')]).toEqual([1, 2]);
    hub.removeVisitor(streams[1]!);
    hub.removeVisitor(streams[2]!);
    expect([hub.streamsOfSession('s1'), hub.streamsOfSession('s2'), hub.streamsOfAddress('x')]).toEqual([0, 0, 0]);
  });

  it('a session_ended ends that session’s streams, not its neighbours’', async () => {
    const { bus } = watchedBus();
    const hub = new LiveHub(bus, 'acme');
    const [mine, mineToo, other] = [visitor('a', 's1'), visitor('a', 's1'), visitor('a', 's2')];
    for (const stream of [mine, mineToo, other]) hub.addVisitor(stream);
    await bus.publish('acme', { type: 'session_ended', conversationId: 'a', sessionId: 's1' });
    expect([mine.ended, mineToo.ended, other.ended]).toEqual([['session_ended'], ['session_ended'], []]);
  });

  it('a resync told once per topic wakes every stream once', async () => {
    const { bus, deliver } = watchedBus();
    const hub = new LiveHub(bus, 'acme');
    const streams = Array.from({ length: 50 }, (_, i) => visitor(`c${i % 25}`, `s${i}`));
    for (const stream of streams) hub.addVisitor(stream);
    await Promise.resolve();
    const before = streams.map((s) => s.wakes);
    deliver({ type: 'resync' });
    await Promise.resolve();
    expect(streams.map((s, i) => s.wakes - before[i]!)).toEqual(streams.map(() => 1));
    hub.closeAll();
  });
});
