import { describe, expect, it, vi } from 'vitest';
import type { Messenger } from '../../src/client/index.js';
import { Strings } from '../../src/client/support/i18n.js';
import { runCommand } from '../../src/client/queue.js';
import { runAt } from '../../src/client/support/timers.js';
import { CSS } from '../../src/client/ui/styles.js';
import { nowSeconds } from '../helpers/sign.js';
import { BASE, flush, setup, token, typeAndSend, useCleanPage } from './helpers.js';

useCleanPage();

describe('host page CSS cannot move the floating widget', () => {
  it('the floating :host rule makes position, right, bottom and z-index !important', () => {
    const floating = /:host\(:not\(\[embedded\]\)\)\{([^}]*)\}/.exec(CSS)?.[1] ?? /:host\{([^}]*)\}/.exec(CSS)![1]!;
    for (const property of ['position:fixed', 'right:var(--chatq-offset-x,20px)', 'bottom:var(--chatq-offset-y,20px)', 'z-index:2147483000']) {
      expect(floating).toContain(`${property}!important`);
    }
    // The embedded element is not pinned to the viewport at all.
    const embedded = /:host\(\[embedded\]\)\{([^}]*)\}/.exec(CSS)![1]!;
    expect(embedded).not.toContain('fixed');
  });
});

describe('hostile input', () => {
  it('_addTranslations with "__proto__" does not pollute Object.prototype', () => {
    const strings = new Strings('en');
    strings.add(JSON.parse('{"__proto__":{"isAdmin":"true"},"en":{"__proto__":"x","constructor":"y","send":"Go"}}'));
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('isAdmin');
    expect(strings.t('send')).toBe('Go');
  });

  it('_setConfiguration({ constructor: 1 }) says the option is unknown', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const setConfiguration = vi.fn();
    runCommand({ setConfiguration } as unknown as Messenger, ['_setConfiguration', { constructor: 1 }]);
    expect(String(error.mock.calls[0]![0])).toMatch(/does not know "constructor"/);
    expect(setConfiguration).not.toHaveBeenCalled();
  });

  it('_setConfiguration({ renewBefore: Infinity }) is refused', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const setConfiguration = vi.fn();
    runCommand({ setConfiguration } as unknown as Messenger, ['_setConfiguration', { renewBefore: Infinity }]);
    expect(String(error.mock.calls[0]![0])).toMatch(/"renewBefore" must be a number of seconds/);
    expect(setConfiguration).not.toHaveBeenCalled();
  });

  it('runAt(NaN) never fires and arms no timer (no 0 ms storm)', () => {
    const fn = vi.fn();
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const cancel = runAt(NaN, fn);
    vi.advanceTimersByTime(100);
    expect(spy.mock.calls.length).toBe(0);
    expect(fn).not.toHaveBeenCalled();
    cancel();
  });

  it('the ESM renewBefore option is validated with a clear console error', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { chat } = await setup({ renewBefore: Number.NaN });
    expect(error.mock.calls.map(String).join('\n')).toMatch(/renewBefore must be a number of seconds/);
    error.mockClear();
    chat.setConfiguration({ renewBefore: -1 });
    expect(error.mock.calls.map(String).join('\n')).toMatch(/renewBefore must be a number of seconds/);
  });
});

/** Every string reachable from `value` through own enumerable properties, a few levels deep. */
function reachableStrings(value: unknown, depth = 3, seen = new Set<unknown>()): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null || depth === 0 || seen.has(value)) return [];
  seen.add(value);
  let entries: unknown[];
  try {
    entries = Object.values(value);
  } catch {
    return [];
  }
  return entries.flatMap((v) => reachableStrings(v, depth - 1, seen));
}

/** Installs accessors on Object.prototype, as a script the host page runs after the widget could. */
function onObjectPrototype(accessors: Record<string, PropertyDescriptor>): () => void {
  for (const [name, descriptor] of Object.entries(accessors)) {
    Object.defineProperty(Object.prototype, name, { ...descriptor, configurable: true });
  }
  return () => {
    for (const name of Object.keys(accessors)) delete (Object.prototype as Record<string, unknown>)[name];
  };
}

/**
 * Whether the widget's own code is on the synchronous stack: it, or the
 * browser's fetch reading what it was given (the shim reads RequestInit's
 * members, as WebIDL does, within the widget's call), triggered the getter.
 * What the in-process server does after the request left the page runs from
 * the event loop (only `async` frames lead back to the widget): in a browser
 * it is another machine, which no page script can watch.
 */
function calledByTheWidget(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 200;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return stack
    .split('\n')
    .filter((line) => !/^\s*at async /.test(line))
    .some((line) => line.includes('/src/client/'));
}

/** A signed-in visitor who sends a message and has the agent stream open. */
async function signedInTraffic(chat: Messenger, root: ShadowRoot, jwt = token()): Promise<void> {
  expect(await chat.setIdentity(jwt)).toMatchObject({ ok: true });
  chat.open();
  typeAndSend(root, 'hi');
  chat.pageChange();
  await flush();
}

const pathsOf = (urls: unknown[]): string[] => [...new Set(urls.map((url) => String(url).slice(BASE.length)))].sort();

describe('no page URL reaches the chat server (SPEC §6)', () => {
  it('every request the widget makes has referrerPolicy "origin" (and no cookies)', async () => {
    const { chat, server, root } = await setup();
    await signedInTraffic(chat, root);
    chat.clearIdentity();
    await flush();
    const calls = server.fetch.mock.calls;
    expect(pathsOf(calls.map(([url]) => url))).toEqual(
      ['/v1/conversation', '/v1/identity', '/v1/messages', '/v1/page', '/v1/policy', '/v1/session', '/v1/stream?events=presence,typing,read'],
    );
    for (const [, init] of calls) expect(init).toMatchObject({ referrerPolicy: 'origin', credentials: 'omit' });
  });
});

describe('a script running after the widget cannot pick up its credentials (issue 9)', () => {
  it('an Object.prototype setter for "Authorization" captures nothing: registration, sending, stream, logout', async () => {
    const { chat, server, root } = await setup();
    const captured: unknown[] = [];
    const remove = onObjectPrototype({
      Authorization: {
        set(value: unknown) {
          captured.push(value);
        },
      },
    });
    try {
      await signedInTraffic(chat, root);
      // Registering again sends the session too.
      expect(await chat.setIdentity(token({ exp: nowSeconds() + 9000 }))).toMatchObject({ ok: true });
      await flush();
      chat.clearIdentity();
      await flush();
    } finally {
      remove();
    }
    expect(captured).toEqual([]);
    // The session did travel, in the header itself.
    const authorized = server.requests.filter((r) => server.sessions.some((s) => r.headers.Authorization === `Bearer ${s}`));
    expect(pathsOf(authorized.map((r) => r.url))).toEqual(
      ['/v1/conversation', '/v1/identity', '/v1/messages', '/v1/page', '/v1/session', '/v1/stream?events=presence,typing,read'],
    );
  });

  it('getters added to Object.prototype (body, method, toJSON…) are never called on what holds a credential', async () => {
    const { chat, server, root } = await setup();
    const jwt = token();
    const receivers: unknown[] = [];
    const spy: PropertyDescriptor = {
      get(this: unknown) {
        if (calledByTheWidget()) receivers.push(this);
        return undefined;
      },
    };
    const remove = onObjectPrototype({ body: spy, method: spy, toJSON: spy, integrity: spy, referrer: spy, window: spy });
    try {
      await signedInTraffic(chat, root, jwt);
    } finally {
      remove();
    }
    const sessions = server.sessions.map((s) => `Bearer ${s}`);
    expect(sessions).toHaveLength(1);
    // The credential was in use (the stream is open with it), yet no getter saw it.
    expect(server.streams.map((s) => `Bearer ${s.session}`)).toEqual(sessions);
    const leaked = receivers.flatMap((r) => reachableStrings(r)).filter((s) => s.includes(jwt) || server.sessions.some((c) => s.includes(c)));
    expect(leaked).toEqual([]);
  });

  it('JSON.stringify patched after load never sees a new JWT: setIdentity(newJwt) and getToken', async () => {
    const renewed = token({ exp: nowSeconds() + 7200, n: 'renewed' });
    const fromGetToken = token({ exp: nowSeconds() + 9000, n: 'getToken' });
    const getToken = vi.fn(async () => fromGetToken);
    // renewBefore 10 s short of the tokens' lifetime: getToken is called 10 s after a token is verified.
    const { chat, server } = await setup({ getToken, renewBefore: 7190 });
    expect(await chat.setIdentity(token())).toMatchObject({ ok: true });
    const stringify = vi.spyOn(JSON, 'stringify');
    expect(await chat.setIdentity(renewed)).toMatchObject({ ok: true });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(getToken).toHaveBeenCalledTimes(1);
    const sent = server.requests.filter((r) => r.url.endsWith('/v1/identity')).map((r) => [(r.body as { jwt?: string }).jwt, r.status]);
    expect(sent.slice(1)).toEqual([
      [renewed, 200],
      [fromGetToken, 200],
    ]);
    const seen = [...stringify.mock.calls.flat(), ...stringify.mock.results.map((r) => r.value)].flatMap((v) => reachableStrings(v));
    expect(seen.filter((s) => s.includes(renewed) || s.includes(fromGetToken))).toEqual([]);
  });

  it('what the tabs tell each other, and what is stored, holds no JWT and no session', async () => {
    const post = vi.spyOn(BroadcastChannel.prototype, 'postMessage');
    const { chat, server, root } = await setup();
    const jwts: [string, string] = [token(), token({ uuid: 'visitor-2' })];
    await signedInTraffic(chat, root, jwts[0]);
    expect(await chat.setIdentity(jwts[1])).toMatchObject({ ok: true }); // a user switch
    chat.clearIdentity();
    await flush();
    expect([...new Set(post.mock.calls.map(([m]) => (m as { type: string }).type))].sort()).toEqual(['logout', 'message', 'switch']);
    const sessions = server.requests.flatMap((r) => r.headers.Authorization?.replace(/^Bearer /, '') ?? []);
    expect([...new Set(sessions)]).toEqual(server.sessions); // both visitors' sessions travelled
    const told = post.mock.calls.flatMap(([m]) => reachableStrings(m, 5));
    const stored = Object.keys(localStorage).flatMap((k) => [k, localStorage.getItem(k)!]);
    for (const s of [...told, ...stored]) {
      expect(sessions).not.toContain(s);
      for (const jwt of jwts) expect(s).not.toContain(jwt.split('.')[2]);
    }
  });
});
