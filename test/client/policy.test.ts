/**
 * The widget learns the community's rules from `GET {base}/v1/policy` before
 * registering anything (SPEC §5): in require mode an anonymous page view makes
 * no request the server would refuse, and a token's lifetime is judged only
 * against the server's own minTokenLifetime, on the server's clock.
 */
import { describe, expect, it, vi } from 'vitest';
import type { IdentityPolicy } from '../../src/identity/index.js';
import { createMessenger } from '../../src/client/index.js';
import { nowSeconds } from '../helpers/sign.js';
import { BASE, fakeServer, type FakeServerOptions } from './fake-server.js';
import { flush, part, setup, token, useCleanPage } from './helpers.js';

useCleanPage();

const DEMO: IdentityPolicy = { mode: 'require', minTokenLifetime: 30, clockTolerance: 5 };
const REJECT: IdentityPolicy = { mode: 'reject', minTokenLifetime: 3600, clockTolerance: 10 };

const paths = (server: ReturnType<typeof fakeServer>) => server.requests.map((r) => `${r.method} ${r.url.slice(BASE.length)}`);

/** A messenger whose fake server holds the policy answer until `release()`. */
function withHeldPolicy(options: FakeServerOptions) {
  const server = fakeServer(options);
  vi.stubGlobal('fetch', server.fetch);
  const release = server.holdPolicy();
  const chat = createMessenger({ server: BASE });
  return { server, chat, release };
}

describe('require mode: nothing the server would refuse', () => {
  it('an anonymous page view asks for the policy only, and never registers', async () => {
    const { server, root } = await setup({}, { policy: DEMO });
    await vi.advanceTimersByTimeAsync(60_000);
    window.dispatchEvent(new Event('focus'));
    window.dispatchEvent(new Event('online'));
    await flush();
    expect(paths(server)).toEqual(['GET /v1/policy']);
    expect(part(root, 'launcher').hidden).toBe(true);
  });

  it('after a logout no anonymous registration follows either', async () => {
    const { chat, server } = await setup({}, { policy: DEMO });
    await chat.setIdentity(token());
    chat.clearIdentity();
    await flush();
    const registrations = server.requests.filter((r) => r.url.endsWith('/v1/identity'));
    expect(registrations.map((r) => typeof (r.body as { jwt?: unknown }).jwt)).toEqual(['string']);
  });

  it('a JWT given before the policy answers registers at once, without waiting for it', async () => {
    const { server, chat, release } = withHeldPolicy({ policy: DEMO });
    const result = await chat.setSignedIdentity(token());
    expect(result).toMatchObject({ ok: true });
    expect(paths(server)).toContain('POST /v1/identity');
    release();
    await flush();
    expect(server.requests.filter((r) => r.url.endsWith('/v1/identity'))).toHaveLength(1);
    chat.destroy();
  });
});

describe('token lifetime warnings: against the known policy only', () => {
  it('a 45 s token in a community with minTokenLifetime 30 logs nothing', async () => {
    const { chat } = await setup({}, { policy: DEMO });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(await chat.setSignedIdentity(token({ exp: nowSeconds() + 45 }))).toMatchObject({ ok: true });
    await flush();
    expect(warn).not.toHaveBeenCalled();
  });

  it('a 20 s token there is reported, naming the 30 s minimum', async () => {
    const { chat } = await setup({}, { policy: DEMO });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    void chat.setSignedIdentity(token({ exp: nowSeconds() + 20 }));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/expires in 20 s, less than the 30 s .*minTokenLifetime/);
  });

  it('while the policy is not known yet, the judgement waits for it (no guess at 3600 s)', async () => {
    const { chat, release } = withHeldPolicy({ policy: DEMO });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    void chat.setSignedIdentity(token({ exp: nowSeconds() + 45 }));
    void chat.setSignedIdentity(token({ exp: nowSeconds() + 20 }));
    await flush();
    expect(warn).not.toHaveBeenCalled();
    release();
    await flush();
    expect(warn).toHaveBeenCalledTimes(1); // only the 20 s one
    expect(String(warn.mock.calls[0]![0])).toMatch(/expires in 20 s, less than the 30 s/);
    chat.destroy();
  });

  it("judges on the server's clock, told by the policy answer", async () => {
    // The server's clock is 60 s behind this browser's: a token that ends 20 s from now (here) has 80 s left there.
    const { chat } = await setup({}, { policy: DEMO, skew: -60_000 });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    void chat.setSignedIdentity(token({ exp: nowSeconds() + 20 }));
    expect(warn).not.toHaveBeenCalled();
  });

  it('a server that does not tell its policy: only a lapsed token is reported', async () => {
    const { chat } = await setup({}, { policy: REJECT, policyEndpoint: 'silent' });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
    void chat.setSignedIdentity(token({ exp: nowSeconds() + 45 }));
    expect(warn).not.toHaveBeenCalled();
    void chat.setSignedIdentity(token({ exp: nowSeconds() - 60 }));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/expired 60 s ago/);
  });
});

describe('reject and accept mode, and servers that do not tell', () => {
  it('reject mode: the policy, then an anonymous session and the launcher', async () => {
    const { server, root } = await setup({}, { policy: REJECT });
    expect(paths(server).slice(0, 2)).toEqual(['GET /v1/policy', 'POST /v1/identity']);
    expect(part(root, 'launcher').hidden).toBe(false);
  });

  it('an identity on its way when the policy answers: no anonymous registration besides it', async () => {
    const { server, chat, release } = withHeldPolicy({ policy: REJECT });
    void chat.setIdentity({ firstname: 'Ada' });
    await flush();
    release();
    await flush();
    const registrations = server.requests.filter((r) => r.url.endsWith('/v1/identity'));
    expect(registrations.map((r) => r.body)).toEqual([expect.objectContaining({ identity: { firstname: 'Ada' } })]);
    chat.destroy();
  });

  it.each(['silent', 'missing'] as const)('policy endpoint %s: learns the mode by registering, as before', async (policyEndpoint) => {
    const { server, root } = await setup({}, { policy: REJECT, policyEndpoint });
    expect(paths(server).slice(0, 2)).toEqual(['GET /v1/policy', 'POST /v1/identity']);
    expect(part(root, 'launcher').hidden).toBe(false);
  });

  it('a policy request that found no server is asked again on the next wake-up, then the chat starts', async () => {
    const server = fakeServer({ policy: REJECT });
    let offline = true;
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) =>
      offline ? Promise.reject(new TypeError('Failed to fetch')) : server.fetch(input, init),
    );
    const chat = createMessenger({ server: BASE });
    await flush();
    expect(document.querySelector('chatq-messenger')!.shadowRoot!.querySelector<HTMLElement>('[part="launcher"]')!.hidden).toBe(true);
    offline = false;
    window.dispatchEvent(new Event('online'));
    await flush();
    expect(paths(server)).toEqual(['GET /v1/policy', 'POST /v1/identity', 'GET /v1/conversation', 'GET /v1/stream']);
    expect(document.querySelector('chatq-messenger')!.shadowRoot!.querySelector<HTMLElement>('[part="launcher"]')!.hidden).toBe(false);
    chat.destroy();
  });

  it.each([
    [503, 'ERR_INTERNAL', true],
    [429, 'ERR_RATE_LIMITED', true],
    [403, 'ERR_ORIGIN_NOT_ALLOWED', false],
  ])('a %s answer registers nothing; asked again on wake-up: %s', async (status, code, again) => {
    const server = fakeServer({ policy: REJECT });
    server.fail('/v1/policy', status, code);
    vi.stubGlobal('fetch', server.fetch);
    const chat = createMessenger({ server: BASE });
    await flush();
    expect(paths(server)).toEqual(['GET /v1/policy']);
    window.dispatchEvent(new Event('focus'));
    await flush();
    expect(paths(server).filter((p) => p === 'GET /v1/policy')).toHaveLength(again ? 2 : 1);
    expect(paths(server).includes('POST /v1/identity')).toBe(again);
    chat.destroy();
  });
});
