/**
 * index.ts, SPEC §5 and §7: the ESM entry. `createMessenger` with what only an ESM caller
 * can ask for (getToken, destroy) and the argument checks the script tag's queue makes for
 * loader.js, and the element registered with the bundled panel. Against the real handler.
 */
import { describe, expect, it, vi } from 'vitest';
import { createShown } from '../../src/client/conversation/shown.js';
import { createMessenger, defineMessengerElement, TAG_NAME } from '../../src/client/index.js';
import { createPanelWithNotices } from '../../src/client/panel/notices.js';
import { panels } from '../../src/client/ui/panel-source.js';
import { BASE, flush, paths, realServer, setup, token, useCleanPage } from './helpers.js';
import { nowSeconds } from '../helpers/sign.js';

useCleanPage();

/** The JWT-carrying registrations the widget sent. */
const signedRegistrations = (server: Awaited<ReturnType<typeof setup>>['server']): number =>
  server.requests.filter((r) => r.url === `${BASE}/v1/identity` && typeof (r.body as { jwt?: unknown })?.jwt === 'string').length;

describe('creating the messenger', () => {
  it('talks to the server given, without its trailing slashes', async () => {
    const server = realServer().install();
    const chat = createMessenger({ server: `${BASE}//` });
    await flush();
    expect(paths(server)).toEqual(['GET /v1/policy']);
    chat.destroy();
  });

  it('refuses a renewBefore that is not a number of seconds, in the console, and starts anyway', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { chat, server } = await setup({ renewBefore: -1 });
    expect(logged.mock.calls).toEqual([['chatq: renewBefore must be a number of seconds.']]);
    expect(paths(server)).toEqual(['GET /v1/policy']);
    chat.setConfiguration({ renewBefore: Number.NaN, title: 'Help' });
    expect(logged).toHaveBeenCalledTimes(2);
  });
});

describe('setting the identity from an ESM caller', () => {
  it.each([[42], [null], [['a.b.c']], [undefined]])('refuses %j for setIdentity as ERR_IDENTITY_INVALID, sending nothing', async (input) => {
    const { chat, server } = await setup();
    const result = await chat.setIdentity(input as never);
    expect(result).toEqual({ ok: false, code: 'ERR_IDENTITY_INVALID', message: 'setIdentity takes a JWT or an object.' });
    expect(paths(server)).toEqual(['GET /v1/policy']);
  });

  it('refuses anything but a string for setSignedIdentity as ERR_JWT_MALFORMED, sending nothing', async () => {
    const { chat, server } = await setup();
    const result = await chat.setSignedIdentity({ uuid: 'x' } as never);
    expect(result).toEqual({ ok: false, code: 'ERR_JWT_MALFORMED', message: 'setSignedIdentity takes a JWT.' });
    expect(signedRegistrations(server)).toBe(0);
  });

  it('registers a JWT given to setSignedIdentity', async () => {
    const { chat, server } = await setup();
    expect(await chat.setSignedIdentity(token())).toMatchObject({ ok: true, identity: { uuid: 'visitor-1' } });
    expect(signedRegistrations(server)).toBe(1);
  });
});

describe('getToken', () => {
  it('never signs the previous visitor back in when they logged out while it ran', async () => {
    let deliver!: (jwt: string) => void;
    const getToken = vi.fn(() => new Promise<string>((resolve) => (deliver = resolve)));
    const { chat, server } = await setup({ getToken });
    await chat.setIdentity(token({ exp: nowSeconds() + 3_700 }));
    await vi.advanceTimersByTimeAsync(3_400 * 1000);
    expect(getToken).toHaveBeenCalledOnce();
    chat.clearIdentity();
    await flush();
    deliver(token({ exp: nowSeconds() + 7_200 }));
    await flush();
    expect(signedRegistrations(server)).toBe(1);
    expect(await server.liveSessions()).toEqual([]);
  });
});

describe('destroy', () => {
  it('removes the widget, closes its stream and stops every timer and listener', async () => {
    const { chat, server } = await setup();
    await chat.setIdentity(token());
    await flush();
    expect(server.streams).toHaveLength(1);
    const shown = vi.fn();
    chat.on('chat_shown', shown);
    chat.destroy();
    await flush();
    expect(document.querySelector(TAG_NAME)).toBeNull();
    expect(server.streams).toHaveLength(0);
    const asked = server.requests.length;
    window.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(server.requests).toHaveLength(asked);
    chat.open();
    expect(shown).not.toHaveBeenCalled();
  });

  it('stops asking a server that was unreachable', async () => {
    const server = realServer().install();
    server.offline = true;
    const chat = createMessenger({ server: BASE });
    await flush();
    expect(paths(server)).toEqual(['GET /v1/policy']);
    chat.destroy();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(paths(server)).toEqual(['GET /v1/policy']);
  });
});

describe('the element', () => {
  it('is registered as chatq-messenger with the bundled panel and its sending half', () => {
    panels.bundled = undefined;
    panels.outbox = undefined;
    defineMessengerElement();
    expect(TAG_NAME).toBe('chatq-messenger');
    expect(customElements.get(TAG_NAME)).toBeDefined();
    expect(panels.bundled).toBe(createPanelWithNotices);
    expect(panels.outbox).toBe(createShown);
  });
});
