/** support/tabs.ts, SPEC §5 "several tabs agree": one BroadcastChannel per chat server. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTabSync, type TabMessage, type TabSync } from '../../../src/client/support/tabs.js';

const BASE = 'https://chat.example.test/chatq';
const open: { close(): void }[] = [];

afterEach(() => {
  for (const channel of open.splice(0)) channel.close();
  vi.unstubAllGlobals();
});

/** The next message that reaches a channel of `name`, as another tab would receive it. */
function nextOn(name: string): Promise<unknown> {
  const channel = new BroadcastChannel(name);
  open.push(channel);
  return new Promise((resolve) => (channel.onmessage = (event) => resolve(event.data)));
}

function sync(onMessage: (message: TabMessage) => void = () => {}): TabSync {
  const tabs = createTabSync(BASE, onMessage);
  open.push(tabs);
  return tabs;
}

const logout: TabMessage = { type: 'logout', automatedUuid: 'a'.repeat(26), uuid: 'visitor-1' };

describe('telling the other tabs', () => {
  it('posts on the chat server’s own channel', async () => {
    const received = nextOn(`chatq:${BASE}`);
    sync().post(logout);
    expect(await received).toEqual(logout);
  });

  it('hands on what another tab of the same server posts', async () => {
    const received = new Promise<TabMessage>((resolve) => sync(resolve));
    const other = new BroadcastChannel(`chatq:${BASE}`);
    open.push(other);
    other.postMessage(logout);
    expect(await received).toEqual(logout);
  });

  it('skips what is not an object, and hands on what follows', async () => {
    const received: TabMessage[] = [];
    const done = new Promise<void>((resolve) => sync((message) => (received.push(message), resolve())));
    const other = new BroadcastChannel(`chatq:${BASE}`);
    open.push(other);
    other.postMessage('logout');
    other.postMessage(null);
    other.postMessage(logout);
    await done;
    expect(received).toEqual([logout]);
  });

  it('does not throw when posting after close', () => {
    const tabs = sync();
    tabs.close();
    expect(() => tabs.post(logout)).not.toThrow();
  });

  it('is a no-op where the browser has no BroadcastChannel', () => {
    vi.stubGlobal('BroadcastChannel', undefined);
    const tabs = createTabSync(BASE, () => {});
    expect(() => {
      tabs.post(logout);
      tabs.close();
    }).not.toThrow();
  });
});
