/**
 * SPEC §10 "Outages": a chat server that is unreachable when the page loads is asked again
 * on its own, with backoff, and the launcher appears once it answers, with no page event
 * (focus, online, visibilitychange) needed.
 */
import { describe, expect, it, vi } from 'vitest';
import { realServer } from './real-server.js';
import { flush, part, paths, setup, token, useCleanPage } from './helpers.js';

useCleanPage();

const launcherShown = (root: ShadowRoot): boolean => !part(root, 'launcher').hidden;

describe('the chat server is down when the page loads', () => {
  it('anonymous (accept mode): the policy is asked again, ever less often, and the launcher appears once the server answers', async () => {
    const server = realServer({ policy: { mode: 'accept' } });
    server.offline = true;
    const { root } = await setup({}, server);
    expect(launcherShown(root)).toBe(false);
    await vi.advanceTimersByTimeAsync(10_000);
    const asked = paths(server).filter((p) => p === 'GET /v1/policy').length;
    // 1 s, 2 s, 4 s (with jitter, between half and all of each): a few tries, not a storm.
    expect(asked).toBeGreaterThanOrEqual(3);
    expect(asked).toBeLessThanOrEqual(8);
    expect(launcherShown(root)).toBe(false);

    server.offline = false;
    await vi.advanceTimersByTimeAsync(30_000);
    await flush();
    expect(launcherShown(root)).toBe(true);
    expect(paths(server)).toContain('POST /v1/identity');
  });

  it('signed in: the registration that reached no server is sent again on its own', async () => {
    const server = realServer();
    server.offline = true;
    const { chat, root } = await setup({}, server);
    const result = await chat.setIdentity(token());
    expect(result).toMatchObject({ ok: false, code: 'ERR_NETWORK' });
    server.offline = false;
    await vi.advanceTimersByTimeAsync(30_000);
    await flush();
    expect(launcherShown(root)).toBe(true);
    expect(paths(server).filter((p) => p === 'POST /v1/identity').length).toBeGreaterThanOrEqual(2);
  });

  it('stops asking once destroyed', async () => {
    const server = realServer({ policy: { mode: 'accept' } });
    server.offline = true;
    const { chat } = await setup({}, server);
    chat.destroy();
    const before = server.requests.length;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(server.requests.length).toBe(before);
  });
});
