import { describe, expect, it, vi } from 'vitest';
import { nowSeconds } from '../helpers/sign.js';
import { flush, part, parts, setup, texts, token, typeAndSend, useCleanPage } from './helpers.js';

useCleanPage();

const notice = (root: ShadowRoot) => root.querySelector<HTMLElement>('[part="notice"][data-kind="session-expired"]');

describe('identity lifecycle end to end (SPEC §5)', () => {
  it('fires identity_expiring renewBefore ahead, then the session-expired notice; a fresh JWT recovers with nothing lost', async () => {
    const { chat, server, root } = await setup({ renewBefore: 120 });
    const expiring = vi.fn();
    const expired = vi.fn();
    chat.on('identity_expiring', expiring);
    chat.on('session_expired', expired);
    const exp = nowSeconds() + 3_700;
    await chat.setIdentity(token({ exp }));
    chat.open();
    typeAndSend(root, 'before expiry');
    await flush();

    await vi.advanceTimersByTimeAsync((3_700 - 120) * 1000 - 1);
    expect(expiring).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(expiring).toHaveBeenCalledWith({ event: 'identity_expiring', expiresAt: exp * 1000 });
    expect(notice(root)).toBeNull();

    await vi.advanceTimersByTimeAsync(120_000);
    expect(expired).toHaveBeenCalledWith({ event: 'session_expired', expiresAt: exp * 1000 });
    const shown = notice(root)!;
    expect(shown.getAttribute('role')).toBe('alert');
    expect(shown.textContent).toContain('refresh the page');
    expect(shown.querySelector('button')!.textContent).toBe('Refresh');
    expect((part(root, 'send') as HTMLButtonElement).disabled).toBe(true);

    // The visitor keeps typing; Enter does not send and nothing is lost.
    const input = part(root, 'input') as HTMLTextAreaElement;
    typeAndSend(root, 'typed while expired');
    await flush();
    expect(input.value).toBe('typed while expired');
    expect(server.requests.filter((r) => r.url.endsWith('/v1/messages'))).toHaveLength(1);

    // A fresh JWT for the same visitor: the notice goes, the conversation carries on.
    const [session] = server.sessions;
    await chat.setSignedIdentity(token({ exp: nowSeconds() + 7_200 }));
    await flush();
    expect(notice(root)).toBeNull();
    expect((part(root, 'send') as HTMLButtonElement).disabled).toBe(false);
    expect(input.value).toBe('typed while expired');
    expect(texts(root)).toEqual(['before expiry']);
    const renewal = server.requests.filter((r) => r.url.endsWith('/v1/identity')).at(-1)!;
    expect(renewal.headers.Authorization).toBe(`Bearer ${session}`);
    expect(server.sessions).toEqual([session]); // renewed in place
    typeAndSend(root, 'typed while expired');
    await flush();
    expect(parts(root, 'message').map((m) => m.dataset.state)).toEqual(['sent', 'sent']);
    expect((await server.history('visitor-1')).map((m) => m.body)).toEqual(['before expiry', 'typed while expired']);
  });

  it('calls getToken before expiry and renews without any interruption', async () => {
    const getToken = vi.fn(async () => token({ exp: nowSeconds() + 7_200 }));
    const { chat, root, server } = await setup({ getToken });
    const expired = vi.fn();
    chat.on('session_expired', expired);
    await chat.setIdentity(token({ exp: nowSeconds() + 3_700 }));
    await vi.advanceTimersByTimeAsync(3_400 * 1000);
    expect(getToken).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(3_600 * 1000);
    expect(expired).not.toHaveBeenCalled();
    expect(notice(root)).toBeNull();
    // The server took the renewal: the same session is still honoured past the first token's exp.
    expect(server.sessions).toHaveLength(1);
    expect(await server.sessionState(server.sessions[0]!)).toBe('live');
  });

  it('retries a failing getToken with backoff, and recovers even after expiry', async () => {
    let calls = 0;
    const getToken = vi.fn(async () => {
      calls++;
      if (calls < 4) throw new Error('token endpoint down');
      return token({ exp: nowSeconds() + 7_200 });
    });
    const { chat, root, server } = await setup({ getToken, renewBefore: 10 });
    await chat.setIdentity(token({ exp: nowSeconds() + 3_615 }));
    await vi.advanceTimersByTimeAsync(3_605 * 1000);
    expect(getToken).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(12_000);
    expect(notice(root)?.getAttribute('role')).toBe('alert'); // expired while the token endpoint is down
    expect(await server.sessionState(server.sessions[0]!)).toBe('expired');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(getToken).toHaveBeenCalledTimes(4);
    expect(notice(root)).toBeNull();
    expect(await server.sessionState(server.sessions[0]!)).toBe('live');
  });

  it('re-checks the clock on visibilitychange after a sleep (timers did not run)', async () => {
    const { chat, root } = await setup();
    const expired = vi.fn();
    chat.on('session_expired', expired);
    const exp = nowSeconds() + 3_700;
    await chat.setIdentity(token({ exp }));
    vi.setSystemTime(Date.now() + 2 * 3_600_000);
    document.dispatchEvent(new Event('visibilitychange'));
    expect(expired.mock.calls).toEqual([[{ event: 'session_expired', expiresAt: exp * 1000 }]]);
    expect(notice(root)?.textContent).toContain('refresh the page');
  });

  it('corrects for a server clock 30 minutes ahead', async () => {
    const { chat } = await setup({}, { skew: 1_800_000 });
    const expiring = vi.fn();
    chat.on('identity_expiring', expiring);
    const exp = Math.floor((Date.now() + 1_800_000) / 1000) + 3_900;
    expect(await chat.setIdentity(token({ exp }))).toMatchObject({ ok: true });
    await vi.advanceTimersByTimeAsync(3_600 * 1000 - 1);
    expect(expiring).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(expiring.mock.calls).toEqual([[{ event: 'identity_expiring', expiresAt: exp * 1000 }]]);
  });

  it('a 401 ERR_SESSION_EXPIRED on send shows the notice and puts the text back', async () => {
    const { chat, server, root } = await setup();
    const expired = vi.fn();
    chat.on('session_expired', expired);
    await chat.setIdentity(token());
    chat.open();
    // The server's clock says the token lapsed; the browser's does not know yet (the server decides, SPEC §6).
    server.skew = 3 * 3_600_000;
    typeAndSend(root, 'keep me');
    await flush();
    expect(server.requests.filter((r) => r.url.endsWith('/v1/messages')).map((r) => r.status)).toEqual([401]);
    expect(expired).toHaveBeenCalledTimes(1);
    expect(expired.mock.calls[0]![0]).toMatchObject({ event: 'session_expired' });
    expect(notice(root)?.getAttribute('role')).toBe('alert');
    expect((part(root, 'input') as HTMLTextAreaElement).value).toBe('keep me');
    expect(parts(root, 'message')).toHaveLength(0);
  });

  it('the stream’s session_expired event shows the notice', async () => {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token());
    await flush();
    // The server's clock is past the token's exp (the browser's is not): its next heartbeat ends the stream.
    server.skew = 3 * 3_600_000;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(server.streams).toEqual([]);
    expect(notice(root)?.getAttribute('role')).toBe('alert');
  });

  it('a getToken that resolves after a logout never signs the previous visitor back in', async () => {
    let release!: (jwt: string) => void;
    const getToken = vi.fn(() => new Promise<string>((resolve) => (release = resolve)));
    const { chat, server, root } = await setup({ getToken });
    await chat.setIdentity(token({ exp: nowSeconds() + 3_700 }));
    await vi.advanceTimersByTimeAsync(3_400 * 1000);
    expect(getToken).toHaveBeenCalledTimes(1);
    chat.clearIdentity();
    const before = server.requests.filter((r) => r.url.endsWith('/v1/identity')).length;
    release(token({ exp: nowSeconds() + 7_200 }));
    await flush();
    expect(server.requests.filter((r) => r.url.endsWith('/v1/identity')).length).toBe(before);
    expect(part(root, 'launcher').hidden).toBe(true);
    expect(await server.liveSessions()).toEqual([]);
  });
});
