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
import type { RealServer, RealServerOptions } from './real-server.js';
import { BASE, flush, part, paths, realServer, setup, token, useCleanPage } from './helpers.js';

useCleanPage();

const DEMO: IdentityPolicy = { mode: 'require', minTokenLifetime: 30, clockTolerance: 5 };
const REJECT: IdentityPolicy = { mode: 'reject', minTokenLifetime: 3600, clockTolerance: 10 };

/** A messenger whose policy request is slow: it reaches the server when `release()` is called. */
function withHeldPolicy(options: RealServerOptions) {
  const server = realServer(options).install();
  const release = server.hold('/v1/policy');
  const chat = createMessenger({ server: BASE });
  return { server, chat, release };
}

const launcherHidden = () =>
  document.querySelector('chatq-messenger')!.shadowRoot!.querySelector<HTMLElement>('[part="launcher"]')!.hidden;

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
    await vi.advanceTimersByTimeAsync(60_000);
    window.dispatchEvent(new Event('focus'));
    await flush();
    const registrations = server.requests.filter((r) => r.url.endsWith('/v1/identity'));
    expect(registrations.map((r) => typeof (r.body as { jwt?: unknown }).jwt)).toEqual(['string']);
    expect(await server.liveSessions()).toEqual([]);
  });

  it('a JWT given before the policy answers registers at once, without waiting for it', async () => {
    const { server, chat, release } = withHeldPolicy({ policy: DEMO });
    const result = await chat.setSignedIdentity(token());
    expect(result).toMatchObject({ ok: true });
    // The policy request is still on its way; the registration did not wait for it.
    expect(paths(server).slice(0, 2)).toEqual(['GET /v1/policy', 'POST /v1/identity']);
    expect(server.requests.map((r) => r.status).slice(0, 2)).toEqual([undefined, 200]);
    release();
    await flush();
    expect(server.requests.filter((r) => r.url.endsWith('/v1/identity'))).toHaveLength(1);
    chat.destroy();
  });
});

describe('require mode without a signed identity: the console says once why there is no launcher (SPEC §13)', () => {
  const hint = (info: { mock: { calls: unknown[][] } }) => info.mock.calls.map(([line]) => String(line)).filter((line) => line.startsWith('chatq:'));

  it('one info line naming the mode and the command to push, and nothing louder', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');
    const { root } = await setup({}, { policy: DEMO });
    await vi.advanceTimersByTimeAsync(60_000);
    window.dispatchEvent(new Event('focus'));
    await flush();
    expect(part(root, 'launcher').hidden).toBe(true);
    expect(hint(info)).toEqual([
      'chatq: require mode: no launcher until _setSignedIdentity (or setIdentity) gets a JWT.',
    ]);
    expect([...warn.mock.calls, ...error.mock.calls]).toEqual([]);
  });

  it('not when a JWT was given before the policy answered (the queued `_setSignedIdentity`), nor in reject mode', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    const { server, chat, release } = withHeldPolicy({ policy: DEMO });
    void chat.setSignedIdentity(token());
    release();
    await flush();
    expect(server.sessions).toHaveLength(1);
    await setup({}, { policy: REJECT });
    await flush();
    expect(hint(info)).toEqual([]);
  });
});

describe('token lifetimes: judged once, by the server, against the community in use', () => {
  /** What the console was told, warnings and errors apart. */
  function consoleSpies() {
    return { warn: vi.spyOn(console, 'warn').mockImplementation(() => {}), error: vi.spyOn(console, 'error').mockImplementation(() => {}) };
  }

  it('a 45 s token in a community with minTokenLifetime 30 logs nothing', async () => {
    const { chat } = await setup({}, { policy: DEMO });
    const { warn, error } = consoleSpies();
    expect(await chat.setSignedIdentity(token({ exp: nowSeconds() + 45 }))).toMatchObject({ ok: true });
    await flush();
    expect([...warn.mock.calls, ...error.mock.calls]).toEqual([]);
  });

  it('a 20 s token there is reported once, naming the 30 s minimum, and refused', async () => {
    const { chat } = await setup({}, { policy: DEMO });
    const { warn, error } = consoleSpies();
    expect(await chat.setSignedIdentity(token({ exp: nowSeconds() + 20 }))).toMatchObject({ ok: false, code: 'ERR_JWT_EXP_TOO_SOON' });
    expect(warn).not.toHaveBeenCalled();
    expect(error.mock.calls.map((call) => String(call[0]))).toEqual([expect.stringMatching(/^chatq: ERR_JWT_EXP_TOO_SOON: exp is 20 seconds ahead; .*minTokenLifetime 30 s/)]);
  });

  it("judges on the server's clock, told by the policy answer", async () => {
    // The server's clock is 60 s behind this browser's: a token that ends 20 s from now (here) has 80 s left there.
    const { chat } = await setup({}, { policy: DEMO, skew: -60_000 });
    const { warn, error } = consoleSpies();
    expect(await chat.setSignedIdentity(token({ exp: nowSeconds() + 20 }))).toMatchObject({ ok: true });
    expect([...warn.mock.calls, ...error.mock.calls]).toEqual([]);
  });

  it('a server that does not tell its policy: a lapsed token is still reported once, in its words', async () => {
    const { chat } = await setup({}, { policy: DEMO, publishPolicy: false });
    const { warn, error } = consoleSpies();
    expect(await chat.setSignedIdentity(token({ exp: nowSeconds() - 60 }))).toMatchObject({ ok: false, code: 'ERR_JWT_EXPIRED' });
    expect(warn).not.toHaveBeenCalled();
    expect(error.mock.calls.map((call) => String(call[0]))).toEqual([expect.stringMatching(/^chatq: ERR_JWT_EXPIRED: The JWT expired 60 seconds ago/)]);
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

  it.each([
    // A custom verifier without `policy`: the real handler answers 200 with the clock only.
    ['silent', () => realServer({ policy: REJECT, publishPolicy: false })],
    // A server older than the endpoint (scripted: today's handler always has it).
    [
      'missing',
      () => {
        const server = realServer({ policy: REJECT });
        server.fail('/v1/policy', { status: 404, code: 'ERR_NOT_FOUND' }, Infinity);
        return server;
      },
    ],
  ] as const)('policy endpoint %s: learns the mode by registering, as before', async (name, make) => {
    const { server, root } = await setup({}, make());
    expect(paths(server).slice(0, 2)).toEqual(['GET /v1/policy', 'POST /v1/identity']);
    expect(server.requests.slice(0, 2).map((r) => r.status)).toEqual([name === 'silent' ? 200 : 404, 200]);
    expect(part(root, 'launcher').hidden).toBe(false);
  });

  it('a policy request that found no server is asked again on the next wake-up, then the chat starts', async () => {
    const server = realServer({ policy: REJECT }).install();
    server.offline = true;
    const chat = createMessenger({ server: BASE });
    await flush();
    expect(launcherHidden()).toBe(true);
    expect(paths(server)).toEqual(['GET /v1/policy']);
    server.offline = false;
    window.dispatchEvent(new Event('online'));
    await flush();
    expect(paths(server)).toEqual(['GET /v1/policy', 'GET /v1/policy', 'POST /v1/identity', 'GET /v1/conversation', 'GET /v1/stream?events=presence,typing,read']);
    expect(server.requests.map((r) => r.status)).toEqual([undefined, 200, 200, 200, 200]);
    expect(launcherHidden()).toBe(false);
    chat.destroy();
  });

  it.each<[string, boolean, number, () => Promise<RealServer>]>([
    [
      'an outage (503, scripted: a load balancer with no instance up)',
      true,
      503,
      async () => {
        const server = realServer({ policy: REJECT });
        server.fail('/v1/policy', { status: 503, code: 'ERR_UNAVAILABLE', retryAfter: 5 });
        return server;
      },
    ],
    [
      'the per-address limit (429): another page view from this address took the last policy answer of the minute',
      true,
      429,
      async () => {
        const server = realServer({ policy: REJECT, limits: { policyRequestsPerMinutePerAddress: 1 } });
        expect((await server.call('GET', '/v1/policy')).status).toBe(200);
        return server;
      },
    ],
    ['a page origin not in allowedOrigins (403)', false, 403, async () => realServer({ policy: REJECT, allowedOrigins: ['https://another-shop.example'] })],
  ])('%s: registers nothing; asked again (on its own, with backoff, and on wake-up): %s', async (_name, again, status, make) => {
    const server = (await make()).install();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const chat = createMessenger({ server: BASE });
    await flush();
    expect(paths(server)).toEqual(['GET /v1/policy']);
    expect(server.requests[0]!.status).toBe(status);
    await vi.advanceTimersByTimeAsync(60_000); // past any Retry-After
    window.dispatchEvent(new Event('focus'));
    await flush();
    const asked = paths(server).filter((p) => p === 'GET /v1/policy').length;
    // SPEC §10 "Outages": no page event is needed, but a wake-up asks too; a refusal is never asked again.
    if (again) expect(asked).toBeGreaterThanOrEqual(2);
    else expect(asked).toBe(1);
    expect(paths(server).includes('POST /v1/identity')).toBe(again);
    expect(launcherHidden()).toBe(!again);
    // SPEC §6 "Fitting": a refused origin is told in the console, naming the origin and the option to change.
    const logged = error.mock.calls.map((call) => String(call[0]));
    if (status === 403) expect(logged).toEqual([expect.stringMatching(new RegExp(`"${location.origin}".*allowedOrigins`))]);
    else expect(logged).toEqual([]);
    chat.destroy();
  });
});

describe("the server's message limit (SPEC §10 \"Nothing typed is lost\")", () => {
  it('reaches the element from the policy answer, for the composer to count against', async () => {
    const { host } = await setup();
    expect((host as HTMLElement & { policy?: { messageMaxLength?: number } }).policy?.messageMaxLength).toBe(4_000);
  });
});
