import { describe, expect, it, vi } from 'vitest';
import type { Api } from '../../src/client/transport/api.js';
import { openStream } from '../../src/client/transport/stream.js';
import { flush, part, parts, setup, token, typeAndSend, useCleanPage } from './helpers.js';

useCleanPage();

describe('the stream does not reconnect in a storm', () => {
  it('a proxy answering 200 and closing at once gets growing backoff, not a reconnect every second', async () => {
    const request = vi.fn(async () => new Response(new ReadableStream({ start: (c) => c.close() }), { status: 200 }));
    const close = openStream({
      api: { request } as unknown as Api,
      session: 's1',
      lastEventId: () => '',
      onEvent: () => {},
      onFatal: () => {},
    });
    await vi.advanceTimersByTimeAsync(120_000);
    close();
    // Backoff 1 s doubling to 30 s: about 9 attempts in 2 minutes; a reset on every 200 makes 120+.
    expect(request.mock.calls.length).toBeLessThanOrEqual(12);
    expect(request.mock.calls.length).toBeGreaterThanOrEqual(4);
  });

  it('a stream that delivered an event starts its backoff over (quick reconnects stay quick)', async () => {
    const encoder = new TextEncoder();
    const request = vi.fn(
      async () =>
        new Response(
          new ReadableStream({
            start: (c) => {
              c.enqueue(encoder.encode('event: typing\ndata: {"type":"typing"}\n\n'));
              c.close();
            },
          }),
          { status: 200 },
        ),
    );
    const events: unknown[] = [];
    const close = openStream({ api: { request } as unknown as Api, session: 's1', lastEventId: () => '', onEvent: (e) => events.push(e), onFatal: () => {} });
    await vi.advanceTimersByTimeAsync(60_000);
    close();
    // Each connection was useful: reconnects stay at the first backoff step (0.5–1 s).
    expect(request.mock.calls.length).toBeGreaterThanOrEqual(40);
    expect(events.length).toBe(request.mock.calls.length);
  });
});

describe('one visitor’s state never reaches the next', () => {
  it('a 429 block is lifted by clearIdentity: the next visitor can send at once', async () => {
    // One message a minute per session: alice's second one meets the handler's real limit.
    const { chat, root, server } = await setup({}, { limits: { messagesPerMinutePerSession: 1 } });
    await chat.setIdentity(token({ uuid: 'alice' }));
    chat.open();
    typeAndSend(root, 'first');
    await flush();
    typeAndSend(root, 'too fast');
    await flush();
    expect(server.requests.filter((r) => r.url.endsWith('/v1/messages')).map((r) => r.status)).toEqual([201, 429]);
    expect((part(root, 'send') as HTMLButtonElement).disabled).toBe(true);
    chat.clearIdentity();
    await chat.setIdentity(token({ uuid: 'bob' }));
    chat.open();
    await flush();
    expect((part(root, 'send') as HTMLButtonElement).disabled).toBe(false);
    expect(root.querySelector('[data-kind="rate-limited"]')).toBeNull();
    // And bob's message goes through (his session has its own budget).
    typeAndSend(root, 'hello from bob');
    await flush();
    expect(parts(root, 'message').map((m) => [m.dataset.state, m.querySelector('p')!.textContent])).toEqual([['sent', 'hello from bob']]);
  });
});

describe('what the host page can see', () => {
  it('a fetch wrapper installed after start never sees the JWT', async () => {
    const { chat, server } = await setup();
    const wrapper = vi.fn((input: RequestInfo | URL, init?: RequestInit) => server.fetch(input, init));
    vi.stubGlobal('fetch', wrapper);
    const jwt = token();
    expect(await chat.setIdentity(jwt)).toMatchObject({ ok: true });
    expect(wrapper).not.toHaveBeenCalled();
    // The registration did go out, through the fetch the widget captured at start.
    expect(server.requests.filter((r) => r.url.endsWith('/v1/identity')).map((r) => [(r.body as { jwt?: string }).jwt, r.status])).toEqual([[jwt, 200]]);
  });

  it('pageChange sends origin + path only: no query or hash (they may hold tokens)', async () => {
    const { chat, server } = await setup();
    await chat.setIdentity(token());
    history.replaceState(null, '', '/shop/cart?reset_token=secret#access_token=x');
    chat.pageChange();
    await flush();
    const page = server.requests.find((r) => r.url.endsWith('/v1/page'))!;
    expect((page.body as { url: string }).url).toBe(`${location.origin}/shop/cart`);
    expect(await server.conversationsOf('visitor-1')).toEqual([expect.objectContaining({ lastPage: expect.objectContaining({ url: `${location.origin}/shop/cart` }) })]);
    history.replaceState(null, '', '/');
  });
});
