/**
 * Sending (conversation/outbox.ts), SPEC §10 "Nothing typed is lost": while the stream
 * reconnects ("Reconnecting…" shows) the server is out of reach, and what the visitor writes
 * waits, "sending", then goes out in the order written once the stream is back; it never
 * turns into a row of "Not sent" messages.
 */
import { describe, expect, it, vi } from 'vitest';
import { flush, parts, setup, texts, token, typeAndSend, useCleanPage } from '../helpers.js';

useCleanPage();

const states = (root: ShadowRoot): (string | undefined)[] => parts(root, 'message').map((m) => m.dataset.state);
const offlineNotice = (root: ShadowRoot): HTMLElement | null => root.querySelector('[part~="notice"][data-kind="offline"]');

describe('messages written while reconnecting', () => {
  it('wait, then go out in order once the stream is back', async () => {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token());
    chat.open();
    await flush();
    server.offline = true;
    server.dropStreams();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(offlineNotice(root)).not.toBeNull();

    typeAndSend(root, 'one');
    await flush();
    typeAndSend(root, 'two');
    await flush();
    typeAndSend(root, 'three');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(texts(root)).toEqual(['one', 'two', 'three']);
    expect(states(root)).toEqual(['sending', 'sending', 'sending']);

    server.offline = false;
    await vi.advanceTimersByTimeAsync(40_000);
    await flush();
    expect(offlineNotice(root)).toBeNull();
    expect(states(root)).toEqual(['sent', 'sent', 'sent']);
    expect((await server.history('visitor-1')).map((m) => m.body)).toEqual(['one', 'two', 'three']);
  });

  it('a send that fails while the stream is up is still marked for a retry (no silent wait)', async () => {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token());
    chat.open();
    await flush();
    server.fail('/v1/messages', 'network');
    typeAndSend(root, 'lost on the way');
    await flush();
    expect(states(root)).toEqual(['failed']);
  });

  it('a logout while messages wait: they go with the visitor, never out under the next one', async () => {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token());
    chat.open();
    await flush();
    server.offline = true;
    server.dropStreams();
    await vi.advanceTimersByTimeAsync(5_000);
    typeAndSend(root, 'private to visitor 1');
    await flush();
    chat.clearIdentity();
    server.offline = false;
    await chat.setIdentity(token({ uuid: 'visitor-2' }));
    chat.open();
    await vi.advanceTimersByTimeAsync(40_000);
    await flush();
    expect(texts(root)).toEqual([]);
    expect(await server.history('visitor-2')).toEqual([]);
  });
});
