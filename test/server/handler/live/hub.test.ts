/**
 * The hub coalesces `conversation` events per conversation before they fan
 * out to agent streams (issue 16 item 4): a lone change at once, a burst as
 * one call per interval, the end of the burst always delivered.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../../../../src/identity/index.js';
import { createLocalBus } from '../../../../src/server/engine/local-bus.js';
import type { BusEvent, LiveBus } from '../../../../src/server/engine/types.js';
import { CONVERSATION_EVENT_INTERVAL_MS, LiveHub, type AgentStream } from '../../../../src/server/handler/live/hub.js';

const INTERVAL = CONVERSATION_EVENT_INTERVAL_MS;

/** An agent stream that records what the hub told it. */
function recordingAgent(): AgentStream & { changed: string[]; messages: string[]; closed: boolean } {
  return {
    changed: [],
    messages: [],
    closed: false,
    conversationChanged(id) {
      this.changed.push(id);
    },
    messageAdded(id) {
      this.messages.push(id);
    },
    close() {
      this.closed = true;
    },
  };
}

const buses = new WeakMap<LiveHub, LiveBus>();

/** A hub on an in-process bus, following the agents' topic as an open agent stream does. */
function newHub(): LiveHub {
  const bus = createLocalBus();
  const hub = new LiveHub(bus, 'acme');
  hub.followAgents();
  buses.set(hub, bus);
  return hub;
}

/** The local bus delivers synchronously. */
const publish = (hub: LiveHub, event: Exclude<BusEvent, { type: 'resync' }>): void => void buses.get(hub)!.publish('acme', event);
const changed = (hub: LiveHub, conversationId: string): void => publish(hub, { type: 'conversation', conversationId });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('conversation events reach agent streams at most once per conversation per interval', () => {
  it('is one second', () => {
    expect(INTERVAL).toBe(1000);
  });

  it('a lone change reaches every agent at once', () => {
    const hub = newHub();
    const agents = [recordingAgent(), recordingAgent(), recordingAgent()];
    for (const agent of agents) hub.addAgent(agent);
    changed(hub, 'c1');
    for (const agent of agents) expect(agent.changed).toEqual(['c1']);
    hub.closeAll();
  });

  it('a burst is one call at once and one when the interval ends, never more', () => {
    const hub = newHub();
    const agent = recordingAgent();
    hub.addAgent(agent);
    for (let i = 0; i < 10_000; i++) changed(hub, 'c1');
    expect(agent.changed).toEqual(['c1']);
    vi.advanceTimersByTime(INTERVAL - 1);
    expect(agent.changed).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(agent.changed).toEqual(['c1', 'c1']);
    // Nothing more came: the window that opened ends without a call.
    vi.advanceTimersByTime(10 * INTERVAL);
    expect(agent.changed).toHaveLength(2);
    hub.closeAll();
  });

  it('a steady stream of changes goes out once per interval, and its last one too', () => {
    const hub = newHub();
    const agent = recordingAgent();
    hub.addAgent(agent);
    // 100 changes a second for 5 s.
    for (let ms = 0; ms < 5 * INTERVAL; ms += 10) {
      vi.advanceTimersByTime(10);
      changed(hub, 'c1');
    }
    expect(agent.changed.length).toBe(5);
    const before = agent.changed.length;
    vi.advanceTimersByTime(INTERVAL);
    // The changes after the last call were not dropped.
    expect(agent.changed.length).toBe(before + 1);
    vi.advanceTimersByTime(10 * INTERVAL);
    expect(agent.changed.length).toBe(before + 1);
    hub.closeAll();
  });

  it('conversations are coalesced separately', () => {
    const hub = newHub();
    const agent = recordingAgent();
    hub.addAgent(agent);
    changed(hub, 'c1');
    vi.advanceTimersByTime(INTERVAL / 2);
    changed(hub, 'c2');
    changed(hub, 'c1');
    changed(hub, 'c2');
    expect(agent.changed).toEqual(['c1', 'c2']);
    vi.advanceTimersByTime(INTERVAL / 2);
    expect(agent.changed).toEqual(['c1', 'c2', 'c1']);
    vi.advanceTimersByTime(INTERVAL / 2);
    expect(agent.changed).toEqual(['c1', 'c2', 'c1', 'c2']);
    hub.closeAll();
  });

  it('after a quiet interval, the next change goes out at once again', () => {
    const hub = newHub();
    const agent = recordingAgent();
    hub.addAgent(agent);
    changed(hub, 'c1');
    vi.advanceTimersByTime(INTERVAL);
    changed(hub, 'c1');
    expect(agent.changed).toEqual(['c1', 'c1']);
    hub.closeAll();
  });

  it('messages are not coalesced (each one is budgeted and carries its own body)', () => {
    const hub = newHub();
    const agent = recordingAgent();
    hub.addAgent(agent);
    const message = { seq: 1, author: 'visitor', body: 'hi', createdAt: 0 } as unknown as ChatMessage;
    for (let i = 0; i < 3; i++) publish(hub, { type: 'message', conversationId: 'c1', message });
    expect(agent.messages).toEqual(['c1', 'c1', 'c1']);
    hub.closeAll();
  });

  it('closeAll drops what waits: no call after the streams are gone', () => {
    const hub = newHub();
    const agent = recordingAgent();
    hub.addAgent(agent);
    changed(hub, 'c1');
    changed(hub, 'c1');
    hub.closeAll();
    expect(agent.closed).toBe(true);
    vi.advanceTimersByTime(10 * INTERVAL);
    expect(agent.changed).toEqual(['c1']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('with no agent stream open, nothing is kept or scheduled', () => {
    const hub = newHub();
    for (let i = 0; i < 1000; i++) changed(hub, `c${i}`);
    expect(vi.getTimerCount()).toBe(0);
    const agent = recordingAgent();
    hub.addAgent(agent);
    changed(hub, 'c1');
    expect(agent.changed).toEqual(['c1']);
    hub.closeAll();
  });
});
