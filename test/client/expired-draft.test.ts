/**
 * SPEC §10 "Nothing typed is lost": the session-expired notice's Refresh keeps the draft in
 * this tab's sessionStorage (never the JWT), and the next page gives it back to the same
 * visitor only.
 */
import { describe, expect, it, vi } from 'vitest';
import { createMessenger } from '../../src/client/index.js';
import { nowSeconds } from '../helpers/sign.js';
import { BASE } from './real-server.js';
import { flush, part, setup, token, useCleanPage } from './helpers.js';

useCleanPage();

const input = (root: ShadowRoot): HTMLTextAreaElement => part(root, 'input') as HTMLTextAreaElement;

describe('the expired notice keeps the draft across its Refresh', () => {
  it('stores the text (not the JWT), and the reloaded page gives it back to the same visitor', async () => {
    sessionStorage.clear();
    const jwt = token({ exp: nowSeconds() + 3_700 });
    const { chat, root, server } = await setup();
    await chat.setIdentity(jwt);
    chat.open();
    await flush();
    input(root).value = 'half a question';
    await vi.advanceTimersByTimeAsync(3_701_000);
    const refresh = root.querySelector<HTMLButtonElement>('[part="notice"][data-kind="session-expired"] button')!;
    const reload = vi.spyOn(window.location, 'reload').mockImplementation(() => {});
    refresh.click();
    expect(reload).toHaveBeenCalled();
    const stored = Object.keys(sessionStorage).map((key) => sessionStorage.getItem(key)!).join();
    expect(stored).toContain('half a question');
    expect(stored).not.toContain(jwt);
    expect(stored).not.toContain(server.sessions[0]!);
    chat.destroy();
    vi.restoreAllMocks();
    document.body.innerHTML = '';

    // The page after the Refresh: the same visitor signs in again.
    server.install();
    const next = createMessenger({ server: BASE });
    await flush();
    await next.setIdentity(token());
    next.open();
    await flush();
    const root2 = document.querySelector('chatq-messenger')!.shadowRoot!;
    expect(input(root2).value).toBe('half a question');
    expect(sessionStorage.length).toBe(0);
    next.destroy();
  });

  it('another visitor never gets it', async () => {
    sessionStorage.setItem('chatq.draft', 'visitor-1\nsomeone else’s words');
    const { chat, root } = await setup();
    await chat.setIdentity(token({ uuid: 'visitor-2' }));
    chat.open();
    await flush();
    expect(input(root).value).toBe('');
    expect(sessionStorage.length).toBe(0);
  });
});
