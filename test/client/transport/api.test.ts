/**
 * transport/api.ts, SPEC §6: the widget's JSON calls, against the real handler
 * (real-server.ts). The session only in `Authorization`, no cookies, no referrer path, and
 * nothing a later page script could read the credentials through (issue 9).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Api, ApiError, authHeaders, toApiError } from '../../../src/client/transport/api.js';
import type { ConversationResponse, PolicyResponse, RegisterResponse } from '../../../src/identity/index.js';
import { BASE, closeRealServers, realServer, type RealServer } from '../real-server.js';
import { fakeClock, visitorJwt } from './session.js';

let server: RealServer;
let api: Api;

beforeEach(() => {
  fakeClock();
  server = realServer().install();
  api = new Api(BASE);
});
afterEach(() => {
  closeRealServers();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** The `init` the widget gave fetch for its `n`th request. */
const init = (n = 0): RequestInit => server.fetch.mock.calls[n]![1]!;

describe('headers', () => {
  it('carry the session as a Bearer token and JSON’s content type only when there is a body', () => {
    expect({ ...authHeaders('s3ss10n', true) }).toEqual({ 'Content-Type': 'application/json', Authorization: 'Bearer s3ss10n' });
    expect({ ...authHeaders(undefined, false) }).toEqual({});
  });

  it('have no prototype: a setter a page script added to Object.prototype never sees the session', () => {
    const seen: unknown[] = [];
    Object.defineProperty(Object.prototype, 'Authorization', { set: (value) => seen.push(value), configurable: true });
    try {
      const headers = authHeaders('s3ss10n', false);
      expect(Object.getPrototypeOf(headers)).toBeNull();
      expect(seen).toEqual([]);
    } finally {
      delete (Object.prototype as Record<string, unknown>).Authorization;
    }
  });
});

describe('error answers', () => {
  it('keep the server’s status, code, message and Retry-After', async () => {
    const response = new Response(JSON.stringify({ error: { code: 'ERR_RATE_LIMITED', message: 'Slow down.' } }), { status: 429, headers: { 'Retry-After': '12' } });
    const error = await toApiError(response);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, code: 'ERR_RATE_LIMITED', message: 'Slow down.', retryAfter: 12 });
  });

  it('that are not the JSON error shape (a proxy’s page) say ERR_BAD_REQUEST and the status', async () => {
    const error = await toApiError(new Response('<h1>Bad gateway</h1>', { status: 502 }));
    expect(error).toMatchObject({ status: 502, code: 'ERR_BAD_REQUEST', message: 'HTTP 502', retryAfter: undefined });
  });

  it.each([['0'], ['-3'], ['soon'], ['Infinity']])('ignore a Retry-After of %j', async (value) => {
    expect((await toApiError(new Response('{}', { status: 503, headers: { 'Retry-After': value } }))).retryAfter).toBeUndefined();
  });
});

describe('calls to the real handler', () => {
  it('read the policy, register and read the conversation with the session', async () => {
    const policy = await api.call<PolicyResponse>('GET', '/v1/policy');
    expect(policy.policy?.mode).toBe('require');
    const registered = await api.call<RegisterResponse>('POST', '/v1/identity', undefined, { jwt: visitorJwt() });
    expect(registered.identity.uuid).toBe('visitor-1');
    const conversation = await api.call<ConversationResponse>('GET', '/v1/conversation', registered.session);
    expect(conversation.conversationId).toBe(registered.conversationId);
    expect(server.requests.map((r) => `${r.method} ${r.url.slice(BASE.length)} ${r.status}`)).toEqual(['GET /v1/policy 200', 'POST /v1/identity 200', 'GET /v1/conversation 200']);
  });

  it('send the session only in Authorization, never in the URL, with no cookies, cache or referrer path', async () => {
    const { session } = await api.call<RegisterResponse>('POST', '/v1/identity', undefined, { jwt: visitorJwt() });
    await api.call('POST', '/v1/messages', session, { clientId: 'c'.repeat(26), body: 'hello' });
    const sent = server.requests[1]!;
    expect(sent.headers.Authorization).toBe(`Bearer ${session}`);
    expect(sent.url).not.toContain(session);
    expect(sent.body).toEqual({ clientId: 'c'.repeat(26), body: 'hello' });
    expect(init(1)).toMatchObject({ credentials: 'omit', cache: 'no-store', referrerPolicy: 'origin', keepalive: false });
  });

  it('send a logout with keepalive (it must leave with the page), and take its empty answer', async () => {
    const { session } = await api.call<RegisterResponse>('POST', '/v1/identity', undefined, { jwt: visitorJwt() });
    await expect(api.call('DELETE', '/v1/session', session)).resolves.toBeUndefined();
    expect(init(1)).toMatchObject({ method: 'DELETE', keepalive: true });
    expect(await server.sessionState(session)).toBe('ended');
  });

  it('turn a refusal into an ApiError with the handler’s code', async () => {
    const refused = await api.call('GET', '/v1/conversation', 'not-a-session').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 401 });
    expect((refused as ApiError).code).toMatch(/^ERR_/);
  });

  it('say ERR_NETWORK, status 0, when no server answers', async () => {
    server.offline = true;
    await expect(api.call('GET', '/v1/policy')).rejects.toMatchObject({ status: 0, code: 'ERR_NETWORK', message: 'Server unreachable.' });
  });

  it('keep a proxy’s 503 and its Retry-After', async () => {
    server.fail('/v1/policy', { status: 503, code: 'ERR_UNAVAILABLE', retryAfter: 5 });
    await expect(api.call('GET', '/v1/policy')).rejects.toMatchObject({ status: 503, code: 'ERR_UNAVAILABLE', retryAfter: 5 });
  });
});

describe('what a later page script cannot reach (issue 9)', () => {
  it('uses the fetch of when the widget started, not a wrapper installed after', async () => {
    const wrapper = vi.fn(async () => new Response('{}'));
    vi.stubGlobal('fetch', wrapper);
    await api.call<RegisterResponse>('POST', '/v1/identity', undefined, { jwt: visitorJwt() });
    expect(wrapper).not.toHaveBeenCalled();
    expect(server.requests).toHaveLength(1);
  });

  it('serialises the body without calling a toJSON added to Object.prototype with it', async () => {
    const seen: unknown[] = [];
    // The handler serialises its own answers: only a call with the request body (it holds the JWT) counts.
    const toJSON = function (this: object): object {
      if (Object.hasOwn(this, 'jwt')) seen.push(this);
      return this;
    };
    Object.defineProperty(Object.prototype, 'toJSON', { value: toJSON, configurable: true, writable: true });
    try {
      await api.call<RegisterResponse>('POST', '/v1/identity', undefined, { jwt: visitorJwt() });
    } finally {
      delete (Object.prototype as Record<string, unknown>).toJSON;
    }
    expect(seen).toEqual([]);
  });

  it('says "Bad JSON." for a success answer that is not JSON', async () => {
    vi.stubGlobal('fetch', async () => new Response('<html>maintenance</html>', { status: 200 }));
    await expect(new Api(BASE).call<PolicyResponse>('GET', '/v1/policy')).rejects.toMatchObject({ status: 200, code: 'ERR_BAD_REQUEST', message: 'Bad JSON.' });
  });
});
