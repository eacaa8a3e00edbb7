/**
 * The in-process bus of the memory and SQLite engines (SPEC §8): events reach
 * this process's listeners of their topics (topicsOf), synchronously, and a
 * subscription is live at once.
 */
import { describe, expect, it } from 'vitest';
import { createLocalBus } from '../../../src/server/engine/local-bus.js';
import type { BusEvent } from '../../../src/server/engine/types.js';
import { messageEvent as message, one, recorder, two } from './bus-events.js';

describe('local bus', () => {
  it('delivers an event to the listeners of its topics only, before publish resolves', async () => {
    const bus = createLocalBus();
    const [conversation, other, agents, community] = [recorder(), recorder(), recorder(), recorder()];
    bus.subscribe('acme', conversation.listener, { conversationId: one });
    bus.subscribe('acme', other.listener, { conversationId: two });
    bus.subscribe('acme', agents.listener, 'agents');
    bus.subscribe('acme', community.listener);
    const published = bus.publish('acme', message(one));
    // Synchronous: heard by the time publish returns its promise.
    expect(conversation.heard).toEqual([[message(one), undefined]]);
    await published;
    expect(agents.heard).toEqual([[message(one), undefined]]);
    expect(other.heard).toEqual([]);
    expect(community.heard).toEqual([]);
  });

  it('subscribes to the community topic by default, where presence goes', async () => {
    const bus = createLocalBus();
    const { heard, listener } = recorder();
    bus.subscribe('acme', listener);
    const presence: BusEvent = { type: 'presence', instance: 'i1', agents: ['a1'], ttlMs: 1000 };
    await bus.publish('acme', presence);
    await bus.publish('acme', message(one));
    expect(heard).toEqual([[presence, undefined]]);
  });

  it('keeps communities apart, and lets a listener hear an event once per topic it subscribed to', async () => {
    const bus = createLocalBus();
    const { heard, listener } = recorder();
    bus.subscribe('other', listener, { conversationId: one });
    bus.subscribe('acme', listener, { conversationId: one });
    bus.subscribe('acme', listener, 'agents');
    await bus.publish('acme', message(one));
    expect(heard).toHaveLength(2);
  });

  it('is ready at once, and stops delivering after unsubscribe (a second call is harmless)', async () => {
    const bus = createLocalBus();
    const first = recorder();
    const second = recorder();
    const off = bus.subscribe('acme', first.listener, { conversationId: one });
    bus.subscribe('acme', second.listener, { conversationId: one });
    await expect(off.ready).resolves.toBeUndefined();
    off();
    off();
    await bus.publish('acme', message(one));
    expect(first.heard).toEqual([]);
    expect(second.heard).toHaveLength(1);
  });

  it('delivers to a listener that subscribes again after its topic was emptied', async () => {
    const bus = createLocalBus();
    const first = recorder();
    const second = recorder();
    const offFirst = bus.subscribe('acme', first.listener, 'agents');
    const offSecond = bus.subscribe('acme', second.listener, 'agents');
    offFirst();
    offSecond();
    await bus.publish('acme', message(one));
    const again = recorder();
    bus.subscribe('acme', again.listener, 'agents');
    await bus.publish('acme', message(one));
    expect([first.heard.length, second.heard.length, again.heard.length]).toEqual([0, 0, 1]);
  });

  it('still delivers to the others when a listener throws or unsubscribes while hearing', async () => {
    const bus = createLocalBus();
    const after = recorder();
    bus.subscribe('acme', () => {
      throw new Error('broken listener');
    }, 'agents');
    const off = bus.subscribe('acme', () => off(), 'agents');
    bus.subscribe('acme', after.listener, 'agents');
    await expect(bus.publish('acme', message(one))).resolves.toBeUndefined();
    expect(after.heard).toHaveLength(1);
  });
});
