/**
 * SPEC §6 "Sharing a store or an engine" and "Bounds that hold against a
 * hostile visitor", through the handler: a paged agent API, communities that
 * share a store without anything crossing, an agent token that cannot be
 * guessed, no opaque origins, and a memory store that refuses rather than
 * evicts a visitor waiting for an answer.
 */
import { describe, expect, it, vi } from 'vitest';
import type { VerifiedIdentity } from '../../../src/identity/index.js';
import { createMemoryEngine } from '../../../src/server/engine/index.js';
import { createMemoryStore, createMessagingHandler, createVerifier, defineCommunity, type ConversationStore, type MessagingHandler } from '../../../src/server/index.js';
import { HS_KEY, nowSeconds, signHS256 } from '../../helpers/sign.js';
import { agentReq, automatedUuid, fakeJwt, HOST_ORIGIN, json, makeHandler, register, req, send, SseReader, useHandlers, verifierDouble } from './helpers.js';

const handlerFor = useHandlers();

const conversationsPath = (query = '') => `/agent/v1/conversations${query}`;
const messagesPath = (id: string, query = '') => `/agent/v1/conversations/${encodeURIComponent(id)}/messages${query}`;

describe('the agent list is paged and holds summaries (SPEC §6 "Bounds")', () => {
  /** `count` registrations one millisecond apart; returns their conversation ids, oldest first. */
  async function registerMany(handler: MessagingHandler, count: number, tick: () => void): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      tick();
      ids.push((await register(handler)).conversationId);
    }
    return ids;
  }

  it('pages 50 summaries by default; the cursor walks every conversation exactly once, newest first', async () => {
    let now = 1_800_000_000_000;
    const handler = handlerFor({ now: () => now, limits: { registrationsPerMinutePerAddress: Infinity } });
    const ids = await registerMany(handler, 120, () => (now += 1));
    const first = await json(await handler(agentReq(conversationsPath())));
    expect(first.conversations).toHaveLength(50);
    for (const summary of first.conversations) {
      expect(summary.messages).toBeUndefined();
      expect(summary).toMatchObject({ lastSeq: 0, uuidSource: 'automated' });
    }
    expect(typeof first.cursor).toBe('string');
    const walked: string[] = first.conversations.map((c: { id: string }) => c.id);
    let cursor: string | undefined = first.cursor;
    let pages = 1;
    while (cursor !== undefined) {
      const page = await json(await handler(agentReq(conversationsPath(`?cursor=${encodeURIComponent(cursor)}`))));
      expect(page.conversations.length).toBeLessThanOrEqual(50);
      walked.push(...page.conversations.map((c: { id: string }) => c.id));
      cursor = page.cursor;
      expect(++pages).toBeLessThanOrEqual(3);
    }
    expect(walked).toEqual([...ids].reverse());
  });

  it('walks every conversation exactly once even when they share one instant', async () => {
    const handler = handlerFor({ now: () => 1_800_000_000_000, limits: { registrationsPerMinutePerAddress: Infinity } });
    const ids = await registerMany(handler, 30, () => {});
    const walked: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await json(await handler(agentReq(conversationsPath(`?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`))));
      expect(page.conversations.length).toBeLessThanOrEqual(7);
      walked.push(...page.conversations.map((c: { id: string }) => c.id));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(walked).toHaveLength(30);
    expect(new Set(walked)).toEqual(new Set(ids));
  });

  it('refuses a limit outside 1–200 or not a number (400 ERR_BAD_REQUEST); 1 and 200 are fine', async () => {
    const handler = handlerFor();
    const { conversationId } = await register(handler);
    for (const limit of ['0', '201', 'abc', '-1', '1.5', '']) {
      for (const path of [conversationsPath(`?limit=${limit}`), messagesPath(conversationId, `?limit=${limit}`)]) {
        const response = await handler(agentReq(path));
        expect(response.status, path).toBe(400);
        expect((await json(response)).error.code).toBe('ERR_BAD_REQUEST');
      }
    }
    for (const limit of ['1', '200']) {
      expect((await handler(agentReq(conversationsPath(`?limit=${limit}`)))).status).toBe(200);
      expect((await handler(agentReq(messagesPath(conversationId, `?limit=${limit}`)))).status).toBe(200);
    }
  });

  it("pages a conversation's history: the newest, `before` to scroll back, `after` to catch up, `more` in that direction", async () => {
    const handler = handlerFor();
    const { session, conversationId } = await register(handler);
    for (let i = 1; i <= 7; i++) expect((await send(handler, session, `m${i}`)).status).toBe(201);
    const page = async (query: string) => {
      const response = await handler(agentReq(messagesPath(conversationId, query)));
      expect(response.status, query).toBe(200);
      const body = await json(response);
      expect(body.conversationId).toBe(conversationId);
      return { seqs: body.messages.map((m: { seq: number }) => m.seq), more: body.more };
    };
    expect(await page('')).toEqual({ seqs: [1, 2, 3, 4, 5, 6, 7], more: false });
    expect(await page('?limit=3')).toEqual({ seqs: [5, 6, 7], more: true });
    expect(await page('?limit=3&before=5')).toEqual({ seqs: [2, 3, 4], more: true });
    expect(await page('?limit=3&before=2')).toEqual({ seqs: [1], more: false });
    expect(await page('?limit=2&after=4')).toEqual({ seqs: [5, 6], more: true });
    expect(await page('?limit=2&after=5')).toEqual({ seqs: [6, 7], more: false });
    expect(await page('?after=7')).toEqual({ seqs: [], more: false });
    const body = await json(await handler(agentReq(messagesPath(conversationId, '?limit=1'))));
    expect(body.messages[0]).toMatchObject({ seq: 7, body: 'm7', author: 'visitor' });
    for (const query of ['?before=3&after=1', '?before=x', '?after=-1']) {
      const response = await handler(agentReq(messagesPath(conversationId, query)));
      expect(response.status, query).toBe(400);
      expect((await json(response)).error.code).toBe('ERR_BAD_REQUEST');
    }
  });

  it('answers 404 ERR_NOT_FOUND for the history of an unknown conversation', async () => {
    const handler = handlerFor();
    for (const id of ['nope', 'default.00000000-0000-4000-8000-000000000000']) {
      const response = await handler(agentReq(messagesPath(id)));
      expect(response.status).toBe(404);
      expect((await json(response)).error.code).toBe('ERR_NOT_FOUND');
    }
  });

  it('builds no answer from the whole store: 2,000 conversations with 1,000-value identities, one page is a small fraction', async () => {
    const store = createMemoryStore({ maxBytes: Infinity });
    const extraValues = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`key_${i}`, `value number ${i}`]));
    for (let i = 0; i < 2000; i++) {
      const identity: VerifiedIdentity = { uuid: `user-${i}`, uuidSource: 'jwt', signed: true, fields: {}, customFields: {}, extraValues, warnings: [] };
      await store.upsertConversation('default', `signed:user-${i}`, identity, 1_800_000_000_000 + i);
    }
    const handler = handlerFor({ store });
    const response = await handler(agentReq(conversationsPath()));
    expect(response.status).toBe(200);
    const text = await response.text();
    const page = JSON.parse(text);
    expect(page.conversations).toHaveLength(50);
    expect(page.conversations[0].uuid).toBe('user-1999');
    const oneSummary = JSON.stringify(page.conversations[0]).length;
    // The whole store would be 2,000 such summaries (~40 MB); one page is 50 of them.
    expect(text.length).toBeLessThan(oneSummary * 60);
    expect(text.length * 30).toBeLessThan(oneSummary * 2000);

    // The agent stream starts with the same one page, not the store.
    const reader = new SseReader(await handler(agentReq('/agent/v1/stream')));
    await reader.until((r) => r.events.length >= 50, 5000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(reader.events).toHaveLength(50);
    expect(reader.events.every((e) => e.event === 'summary' && e.data.conversation.messages === undefined)).toBe(true);
    await reader.cancel();
  }, 60_000);
});

describe('communities sharing a store or an engine: nothing crosses (SPEC §6 "Sharing")', () => {
  const token = (uuid: string) => signHS256({ uuid, exp: nowSeconds() + 3600, iat: nowSeconds() }, HS_KEY);

  /** A handler of community `id` in `mode` on `store` (SPEC §3 defineCommunity with the real verifier). */
  function communityHandler(id: string, mode: 'require' | 'reject' | 'accept', shared: { store?: ConversationStore; engine?: ReturnType<typeof createMemoryEngine> }): MessagingHandler {
    const community = defineCommunity({
      id,
      signedIdentities: mode,
      jwtKeys: mode === 'reject' ? [] : [{ id: HS_KEY.kid, secret: HS_KEY.secret }],
      minTokenLifetime: 0,
      clockTolerance: 0,
    });
    return handlerFor({ verifier: createVerifier(community), ...shared });
  }

  it('the same signed uuid in two communities is two conversations', async () => {
    const store = createMemoryStore();
    const a = communityHandler('a', 'require', { store });
    const b = communityHandler('b', 'require', { store });
    const inA = await register(a, { jwt: token('user-1') });
    const inB = await register(b, { jwt: token('user-1') });
    expect(inB.conversationId).not.toBe(inA.conversationId);
    await send(a, inA.session, 'said in A');
    expect((await json(await b(req('/v1/conversation', { session: inB.session })))).messages).toEqual([]);
    // Registering again in A finds A's conversation, with its message.
    const again = await register(a, { jwt: token('user-1') });
    expect(again.conversationId).toBe(inA.conversationId);
    expect((await json(await a(req('/v1/conversation', { session: again.session })))).messages.map((m: { body: string }) => m.body)).toEqual(['said in A']);
  });

  it("a session of community A is refused by B's handler (401 ERR_SESSION_INVALID), and honoured by another handler of A", async () => {
    const store = createMemoryStore();
    const a = communityHandler('a', 'require', { store });
    const otherA = communityHandler('a', 'require', { store });
    const b = communityHandler('b', 'require', { store });
    const { session, conversationId } = await register(a, { jwt: token('user-1') });
    for (const request of [
      () => req('/v1/conversation', { session }),
      () => req('/v1/messages', { session, body: { clientId: 'cross-community-1', body: 'hi' } }),
      () => req('/v1/stream', { session }),
      () => req('/v1/page', { session, body: { url: 'https://shop.test/' } }),
    ]) {
      const response = await b(request());
      expect(response.status, request().url).toBe(401);
      expect((await json(response)).error.code).toBe('ERR_SESSION_INVALID');
    }
    // Presented to B when registering, A's session is not B's to renew: B issues its own.
    const renewed = await register(b, { jwt: token('user-1') }, session);
    expect(renewed.session).not.toBe(session);
    expect(renewed.conversationId).not.toBe(conversationId);
    // A's session still works: B neither ended nor took it. Another handler of A shares it by design.
    expect((await a(req('/v1/conversation', { session }))).status).toBe(200);
    expect((await send(otherA, session, 'through another instance of A')).status).toBe(201);
  });

  it("an agent of B gets 404 for A's conversation (history and reply) and never lists it", async () => {
    const store = createMemoryStore();
    const a = communityHandler('a', 'require', { store });
    const b = communityHandler('b', 'require', { store });
    const inA = await register(a, { jwt: token('user-1') });
    await send(a, inA.session, 'for A only');
    const inB = await register(b, { jwt: token('user-2') });
    for (const request of [agentReq(messagesPath(inA.conversationId)), agentReq(messagesPath(inA.conversationId), { body: { body: 'from B' } })]) {
      const response = await b(request);
      expect(response.status, request.method).toBe(404);
      expect((await json(response)).error.code).toBe('ERR_NOT_FOUND');
    }
    const listB = await json(await b(agentReq(conversationsPath())));
    expect(listB.conversations.map((c: { id: string }) => c.id)).toEqual([inB.conversationId]);
    const listA = await json(await a(agentReq(conversationsPath())));
    expect(listA.conversations.map((c: { id: string }) => c.id)).toEqual([inA.conversationId]);
    // Nothing was added to A's conversation.
    expect((await json(await a(agentReq(messagesPath(inA.conversationId))))).messages.map((m: { body: string }) => m.body)).toEqual(['for A only']);
  });

  it("on one shared engine, an agent stream of B sees only B's conversations", async () => {
    const engine = createMemoryEngine();
    const a = communityHandler('a', 'require', { engine });
    const b = communityHandler('b', 'require', { engine });
    const early = await register(a, { jwt: token('early-a') });
    const readerB = new SseReader(await b(agentReq('/agent/v1/stream')));
    const readerA = new SseReader(await a(agentReq('/agent/v1/stream')));
    await readerA.until((r) => r.events.length === 1);
    const inA = await register(a, { jwt: token('user-1') });
    await send(a, inA.session, 'for A only');
    const inB = await register(b, { jwt: token('user-1') });
    await send(b, inB.session, 'for B only');
    await readerB.until((r) => r.messages().some((m) => m.body === 'for B only'));
    await readerA.until((r) => r.messages().some((m) => m.body === 'for A only'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(new Set(readerB.events.map((e) => e.data.conversation.id))).toEqual(new Set([inB.conversationId]));
    expect(new Set(readerA.events.map((e) => e.data.conversation.id))).toEqual(new Set([early.conversationId, inA.conversationId]));
    await readerA.cancel();
    await readerB.cancel();
    await engine.close();
  });

  it("a session a `reject` handler made for an unsigned visitor is refused (401) by a `require` handler of the same community", async () => {
    const store = createMemoryStore();
    const reject = communityHandler('shop', 'reject', { store });
    const require = communityHandler('shop', 'require', { store });
    const unsigned = await register(reject, { identity: { uuid: 'claimed-admin' }, automatedUuid: automatedUuid() });
    // The reported attack: this message was accepted (201) by the require handler.
    const sent = await send(require, unsigned.session, 'posing as a signed visitor');
    expect(sent.status).toBe(401);
    expect((await json(sent)).error.code).toBe('ERR_SESSION_INVALID');
    for (const request of [req('/v1/conversation', { session: unsigned.session }), req('/v1/stream', { session: unsigned.session })]) {
      const response = await require(request);
      expect(response.status).toBe(401);
      expect((await json(response)).error.code).toBe('ERR_SESSION_INVALID');
    }
    // And the other way round: a reject handler refuses a session made from a JWT.
    const signed = await register(require, { jwt: token('user-1') });
    const response = await reject(req('/v1/conversation', { session: signed.session }));
    expect(response.status).toBe(401);
    expect((await json(response)).error.code).toBe('ERR_SESSION_INVALID');
    // Each handler still honours its own.
    expect((await send(reject, unsigned.session, 'hello')).status).toBe(201);
    expect((await send(require, signed.session, 'hello')).status).toBe(201);
  });

  it('the `community` option overrides the verifier\'s id', async () => {
    const store = createMemoryStore();
    const a = handlerFor({ store, communityId: 'a' });
    const b = handlerFor({ store, communityId: 'b' });
    const inA = await register(a, { jwt: fakeJwt('user-1') });
    const inB = await register(b, { jwt: fakeJwt('user-1') });
    expect(inB.conversationId).not.toBe(inA.conversationId);
    expect((await b(req('/v1/conversation', { session: inA.session }))).status).toBe(401);
    expect((await b(agentReq(messagesPath(inA.conversationId)))).status).toBe(404);
    for (const community of ['', 'A', 'x'.repeat(65), 'a.b', 'a/b']) {
      expect(() => createMessagingHandler({ verifier: verifierDouble(), allowedOrigins: [HOST_ORIGIN], community })).toThrow(expect.objectContaining({ code: 'ERR_HANDLER_CONFIG' }));
    }
  });
});

describe('the agent token cannot be guessed (SPEC §6 "Bounds")', () => {
  const create = (agentToken: string) => createMessagingHandler({ verifier: verifierDouble(), allowedOrigins: [HOST_ORIGIN], agentToken, logger: { warn() {} } });

  it('an agentToken under 32 characters is refused when the handler is created', () => {
    for (const token of ['x', 'a'.repeat(31)]) {
      expect(() => create(token)).toThrow(expect.objectContaining({ code: 'ERR_HANDLER_CONFIG' }));
      expect(() => create(token)).toThrow(/agentToken/);
    }
    const handler = create('a'.repeat(32));
    handler.close();
  });

  it('a 32-character token authenticates', async () => {
    const token = 'b'.repeat(32);
    const handler = create(token);
    const response = await handler(req(conversationsPath(), { headers: { Authorization: `Bearer ${token}` } }));
    expect(response.status).toBe(200);
    handler.close();
  });

  it('wrong credentials are limited per address: 10 × 401, then 429 with Retry-After; other addresses and the right token are unaffected', async () => {
    const handler = handlerFor({ clientAddress: (request) => request.headers.get('X-Test-Address') ?? undefined });
    const guess = (address: string, i: number) =>
      handler(req(conversationsPath(), { headers: { 'X-Test-Address': address, Authorization: `Bearer guess-${String(i).padStart(32, '0')}` } }));
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 12; i++) {
      const response = await guess('198.51.100.7', i);
      statuses.push(response.status);
      if (response.status === 429) limited = response;
      else expect((await json(response)).error.code).toBe('ERR_AGENT_UNAUTHORIZED');
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    expect(Number(limited!.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    expect((await json(limited!)).error.code).toBe('ERR_RATE_LIMITED');
    // Every agent route shares the budget: the stream and a reply are limited too.
    expect((await handler(req('/agent/v1/stream', { headers: { 'X-Test-Address': '198.51.100.7' } }))).status).toBe(429);
    const other = await guess('203.0.113.8', 99);
    expect(other.status).toBe(401);
    expect((await json(other)).error.code).toBe('ERR_AGENT_UNAUTHORIZED');
    const right = await handler(agentReq(conversationsPath(), { headers: { 'X-Test-Address': '198.51.100.7' } }));
    expect(right.status).toBe(200);
  });
});

describe('allowedOrigins are http(s) origins (SPEC §6 "Bounds")', () => {
  const create = (allowedOrigins: string[]) => createMessagingHandler({ verifier: verifierDouble(), allowedOrigins, logger: { warn() {} } });

  it('refuses an opaque origin when the handler is created, naming the entry', () => {
    for (const entry of ['file:///', 'chrome-extension://abcdefghijklmnop', 'null']) {
      expect(() => create([HOST_ORIGIN, entry])).toThrow(expect.objectContaining({ code: 'ERR_HANDLER_CONFIG' }));
      expect(() => create([HOST_ORIGIN, entry])).toThrow(entry);
    }
  });

  it('an http(s) origin still works', async () => {
    const handler = create([HOST_ORIGIN]);
    const response = await handler(req('/v1/identity', { body: { automatedUuid: automatedUuid() } }));
    expect(response.status).toBe(200);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(HOST_ORIGIN);
    handler.close();
  });
});

describe('the memory store refuses a new conversation rather than evict one that holds messages (SPEC §6 "Bounds")', () => {
  it('at capacity: 503 ERR_CAPACITY with Retry-After, logged once, and the waiting visitors keep their conversations', async () => {
    const warnings: string[] = [];
    const handler = handlerFor({
      store: createMemoryStore({ maxConversations: 2 }),
      clientAddress: () => '198.51.100.9',
      logger: { warn: (message) => warnings.push(message) },
    });
    const visitors = [await register(handler), await register(handler)];
    for (const [i, visitor] of visitors.entries()) expect((await send(handler, visitor.session, `waiting ${i}`)).status).toBe(201);
    for (let attempt = 0; attempt < 4; attempt++) {
      const response = await handler(req('/v1/identity', { body: { automatedUuid: automatedUuid() } }));
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
      expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
      const body = await json(response);
      expect(body).toEqual({ error: { code: 'ERR_CAPACITY', message: expect.any(String) } });
    }
    expect(warnings.filter((warning) => warning.includes('ERR_CAPACITY'))).toHaveLength(1);
    for (const [i, visitor] of visitors.entries()) {
      const response = await handler(req('/v1/conversation', { session: visitor.session }));
      expect(response.status).toBe(200);
      expect((await json(response)).messages.map((m: { body: string }) => m.body)).toEqual([`waiting ${i}`]);
    }
    const list = await json(await handler(agentReq(conversationsPath())));
    expect(list.conversations.map((c: { id: string }) => c.id).sort()).toEqual(visitors.map((v) => v.conversationId).sort());
  });

  it('a conversation without a message yet is dropped to make room', async () => {
    const handler = handlerFor({ store: createMemoryStore({ maxConversations: 2 }), clientAddress: () => '198.51.100.10' });
    const waiting = await register(handler);
    expect((await send(handler, waiting.session, 'my order #123')).status).toBe(201);
    const empty = await register(handler);
    const newcomer = await register(handler);
    expect((await handler(req('/v1/conversation', { session: empty.session }))).status).toBe(401);
    expect((await send(handler, newcomer.session, 'hello')).status).toBe(201);
    expect((await json(await handler(req('/v1/conversation', { session: waiting.session })))).messages).toHaveLength(1);
  });
});

describe('log redaction runs in linear time (SPEC §3: no input may stall the process)', () => {
  // The token patterns backtrack quadratically on a long run of word characters: counted, not
  // timed, they must only ever read the first 500 characters of a message.
  it('a 100,000-character error message is cut before the token patterns read it', async () => {
    const { redact } = await import('../../../src/server/handler/http/redact.js');
    const exec = vi.spyOn(RegExp.prototype, 'exec');
    try {
      const out = redact('a'.repeat(100_000));
      expect(out.length).toBeLessThanOrEqual(500);
      expect(exec.mock.calls.length).toBeGreaterThan(0);
      expect(Math.max(...exec.mock.calls.map(([input]) => input.length))).toBeLessThanOrEqual(500);
    } finally {
      exec.mockRestore();
    }
  });
});

describe('allowedOrigins: subdomain wildcards and an empty list (issue 10 item 4)', () => {
  const preflight = (handler: ReturnType<typeof makeHandler>, origin: string) =>
    handler(new Request('https://chat.test/v1/identity', { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' } }));

  it('https://*.example.com admits every subdomain with that scheme and port, and nothing else', async () => {
    const handler = makeHandler({ allowedOrigins: ['https://*.example.com', 'https://other.test'] });
    for (const origin of ['https://shop.example.com', 'https://eu.shop.example.com', 'https://other.test']) {
      const response = await preflight(handler, origin);
      expect(response.status, origin).toBe(204);
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe(origin);
    }
    for (const origin of ['https://example.com', 'http://shop.example.com', 'https://evil-example.com', 'https://shop.example.com.evil.test', 'https://shop.example.com:8443', 'https://.example.com', 'null']) {
      expect((await preflight(handler, origin)).status, origin).toBe(403);
    }
    handler.close();
  });

  it('a "*" anywhere else, and an empty list, are refused at creation with what to write', () => {
    for (const entry of ['https://shop.*.com', '*.example.com', 'https://*', 'https://*example.com']) {
      expect(() => makeHandler({ allowedOrigins: [entry] }), entry).toThrow(/https:\/\/\*\.example\.com/);
    }
    expect(() => makeHandler({ allowedOrigins: [] })).toThrow(/allowedOrigins is empty/);
  });
});

describe('a refused origin is told so (SPEC §6 "Fitting", issue 10 item 4)', () => {
  const policyFrom = (handler: ReturnType<typeof makeHandler>, origin: string) =>
    handler(new Request('https://chat.test/v1/policy', { headers: { Origin: origin } }));

  it('the policy route answers a refused origin with a refusal that page can read, naming the origin and the option', async () => {
    const handler = makeHandler();
    const response = await policyFrom(handler, 'https://www.shop.test');
    expect(response.status).toBe(403);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('https://www.shop.test');
    const body = await json(response);
    expect(body).toEqual({ error: { code: 'ERR_ORIGIN_NOT_ALLOWED', message: expect.stringContaining('"https://www.shop.test" is not in the chat server\'s allowedOrigins') } });
    expect(body.error.message).toMatch(/add it to allowedOrigins in createMessagingHandler/);
    // The refusal holds no data: no policy, no server time.
    expect(Object.keys(body)).toEqual(['error']);
    handler.close();
  });

  it('every route that holds data still refuses without a CORS grant', async () => {
    const handler = makeHandler();
    for (const path of ['/v1/conversation', '/v1/stream', '/agent/v1/conversations']) {
      const response = await handler(new Request(`https://chat.test${path}`, { headers: { Origin: 'https://www.shop.test' } }));
      expect(response.status, path).toBe(403);
      expect(response.headers.get('Access-Control-Allow-Origin'), path).toBeNull();
    }
    const preflight = await handler(new Request('https://chat.test/v1/policy', { method: 'OPTIONS', headers: { Origin: 'https://www.shop.test', 'Access-Control-Request-Method': 'GET' } }));
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBeNull();
    handler.close();
  });
  // How refused origins are logged (per window of time): test/server/handler/http/cors.test.ts.
});
