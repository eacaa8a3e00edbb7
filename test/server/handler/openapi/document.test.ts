/**
 * SPEC §11 "The contract": `{base}/openapi.json` is a valid OpenAPI 3.1
 * document, and every route's real answers over HTTP — status, the headers
 * the document requires, the body, each stream event — match it. Every
 * operation of the document is driven at least once, and every path the
 * router serves is in the document. An answer that changes without the
 * document fails (the last describe shows it on altered answers).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AGENT_PATHS, agentConversationPath, CONVERSATION_ACTIONS, INBOX_PATHS, OPENAPI_PATH, OPTIONAL_AGENT_STREAM_EVENTS, OPTIONAL_STREAM_EVENTS, VISITOR_PATHS } from '../../../../src/identity/index.js';
import { toNodeListener } from '../../../../src/server/node/index.js';
import { automatedUuid, HOST_ORIGIN, listenOnLoopback, makeHandler, SseReader } from '../helpers.js';
import { ALICE, BOB, CHAT_ORIGIN, later } from '../agents/kit.js';
import { Contract, type RealAnswer } from './contract.js';

const BASE_PATH = '/chatq';
const LOADER = 'console.log("chatq")';
const CONVERSATION = `${AGENT_PATHS.conversations}/{id}`;

let document: Record<string, any>;
let contract: Contract;
const problems: string[] = [];

async function start() {
  const handler = makeHandler({
    agentToken: undefined,
    agents: [ALICE, BOB],
    publicOrigin: CHAT_ORIGIN,
    basePath: BASE_PATH,
    loaderScript: LOADER,
    panelScript: 'console.log("panel")',
    replyTime: 'Within a day',
    limits: { typingPerMinutePerSession: 1, heartbeatMs: 50 },
  });
  const { url, close } = await listenOnLoopback(toNodeListener(handler));
  later(() => handler.close());
  later(close);
  return `${url}${BASE_PATH}`;
}

interface Call {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** One request; its answer is checked against `template` (the document's path) and returned. */
async function call(base: string, template: string, path: string, { method = 'GET', headers = {}, body }: Call = {}): Promise<RealAnswer & { json: any }> {
  const response = await fetch(`${base}${path}`, {
    method,
    redirect: 'manual',
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = method === 'HEAD' ? '' : await response.text();
  const answer = { status: response.status, headers: response.headers, text };
  problems.push(...contract.check(method, template, answer));
  const json = response.headers.get('content-type')?.startsWith('application/json') && text !== '' ? JSON.parse(text) : undefined;
  return { ...answer, json };
}

/** A stream read until `until` holds, then cancelled and checked whole. */
async function stream(base: string, template: string, path: string, headers: Record<string, string>, act: () => Promise<unknown>, until: (reader: SseReader) => boolean) {
  const abort = new AbortController();
  const response = await fetch(`${base}${path}`, { headers, signal: abort.signal });
  const reader = new SseReader(response);
  await reader.until((r) => r.raw.startsWith(': open'));
  await act();
  await reader.until(until, 5000);
  abort.abort();
  problems.push(...contract.check('GET', template, { status: response.status, headers: response.headers, text: reader.raw }));
  return reader;
}

beforeAll(async () => {
  const base = await start();
  const response = await fetch(`${base}${OPENAPI_PATH}`);
  document = (await response.json()) as Record<string, any>;
  contract = await Contract.load(document);
});

describe('{base}/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document, served to any origin, naming the mount path', async () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: BASE_PATH }]);
  });

  it('has every path the router serves (the wire names module is the one source)', () => {
    const served = [...Object.values(VISITOR_PATHS), OPENAPI_PATH, ...Object.values(AGENT_PATHS), ...Object.values(INBOX_PATHS), INBOX_PATHS.page.slice(0, -1), ...CONVERSATION_ACTIONS.map((action) => `${CONVERSATION}/${action}`)];
    expect(Object.keys(document.paths).sort()).toEqual([...new Set(served)].sort());
  });
});

describe('every route’s real answers match the document', () => {
  it('drives every operation over HTTP and validates each answer', async () => {
    const base = await start();
    const visitorHeaders = { Origin: HOST_ORIGIN };
    const alice = { Authorization: `Bearer ${ALICE.token}` };
    const bob = { Authorization: `Bearer ${BOB.token}` };

    const loader = await call(base, VISITOR_PATHS.loader, VISITOR_PATHS.loader);
    await call(base, VISITOR_PATHS.loader, VISITOR_PATHS.loader, { headers: { 'If-None-Match': loader.headers.get('etag')! } });
    await call(base, VISITOR_PATHS.loader, VISITOR_PATHS.loader, { method: 'HEAD' });
    const panel = await call(base, VISITOR_PATHS.panel, VISITOR_PATHS.panel);
    await call(base, VISITOR_PATHS.panel, VISITOR_PATHS.panel, { headers: { 'If-None-Match': panel.headers.get('etag') ?? '"none"' } });
    await call(base, VISITOR_PATHS.panel, VISITOR_PATHS.panel, { method: 'HEAD' });
    await call(base, OPENAPI_PATH, OPENAPI_PATH);
    await call(base, VISITOR_PATHS.policy, VISITOR_PATHS.policy, { headers: visitorHeaders });
    await call(base, VISITOR_PATHS.policy, VISITOR_PATHS.policy, { method: 'HEAD', headers: visitorHeaders });
    await call(base, VISITOR_PATHS.policy, VISITOR_PATHS.policy, { headers: { Origin: 'https://not-allowed.test' } });

    await call(base, VISITOR_PATHS.identity, VISITOR_PATHS.identity, { method: 'POST', headers: visitorHeaders, body: { automatedUuid: 'short' } });
    await call(base, VISITOR_PATHS.identity, VISITOR_PATHS.identity, { method: 'POST', headers: { ...visitorHeaders, 'Content-Type': 'text/plain' }, body: 'x' });
    const registered = await call(base, VISITOR_PATHS.identity, VISITOR_PATHS.identity, { method: 'POST', headers: visitorHeaders, body: { automatedUuid: automatedUuid() } });
    const { session, conversationId } = registered.json;
    const visitor = { ...visitorHeaders, Authorization: `Bearer ${session}` };
    const post = (path: string, body?: unknown, headers = visitor) => call(base, path, path, { method: 'POST', headers, ...(body === undefined ? {} : { body }) });
    const act = (action: (typeof CONVERSATION_ACTIONS)[number], body?: unknown, headers: Record<string, string> = alice, id = conversationId) =>
      call(base, `${CONVERSATION}/${action}`, agentConversationPath(id, action), { method: 'POST', headers, ...(body === undefined ? {} : { body }) });

    await call(base, VISITOR_PATHS.conversation, VISITOR_PATHS.conversation, { headers: visitorHeaders });
    await call(base, VISITOR_PATHS.stream, VISITOR_PATHS.stream, { headers: { ...visitor, 'Last-Event-ID': 'garbage' } });

    // The visitor's stream: presence (on connect and on change), messages with their agent, typing, read.
    const agentStreamAbort = new AbortController();
    later(() => agentStreamAbort.abort());
    await stream(base, VISITOR_PATHS.stream, `${VISITOR_PATHS.stream}?events=${OPTIONAL_STREAM_EVENTS.join(',')}`, visitor, async () => {
      await post(VISITOR_PATHS.messages, { clientId: 'client_0001', body: 'hello' });
      await post(VISITOR_PATHS.messages, { clientId: 'client_0001', body: 'hello' });
      await post(VISITOR_PATHS.messages, { clientId: 'x', body: 'hello' });
      await stream(base, AGENT_PATHS.stream, `${AGENT_PATHS.stream}?events=${OPTIONAL_AGENT_STREAM_EVENTS.join(',')}`, bob, async () => {
        await post(VISITOR_PATHS.typing);
        await post(VISITOR_PATHS.typing);
        await act('messages', { body: 'Hi, Alice here', clientId: 'agent_reply_1' });
        await act('messages', { body: 'Hi, Alice here', clientId: 'agent_reply_1' });
        await act('typing');
        await act('read', { seq: 2 });
        await call(base, AGENT_PATHS.status, AGENT_PATHS.status, { method: 'POST', headers: alice, body: { status: 'away' } });
        // Alice opens a stream of her own, away: nothing changes; online again: Bob's stream hears the new list.
        await fetch(`${base}${AGENT_PATHS.stream}`, { headers: alice, signal: agentStreamAbort.signal });
        await call(base, AGENT_PATHS.status, AGENT_PATHS.status, { method: 'POST', headers: alice, body: { status: 'online' } });
      }, (r) => ['summary', 'message', 'typing', 'presence'].every((type) => r.events.some((e) => e.event === type)));
    }, (r) => ['presence', 'message', 'typing', 'read'].every((type) => r.events.some((e) => e.event === type)) && r.events.filter((e) => e.event === 'presence').length >= 2);

    await post(VISITOR_PATHS.page, { url: 'https://shop.test/cart', title: 'Cart' });
    await post(VISITOR_PATHS.read, { seq: 2 });
    await post(VISITOR_PATHS.read, { seq: -1 });
    await post(VISITOR_PATHS.email, { email: 'ada@example.com' });
    await post(VISITOR_PATHS.email, { email: 'nope' });

    await call(base, AGENT_PATHS.conversations, `${AGENT_PATHS.conversations}?limit=1`, { headers: alice });
    await call(base, AGENT_PATHS.conversations, `${AGENT_PATHS.conversations}?limit=0`, { headers: alice });
    await call(base, AGENT_PATHS.conversations, AGENT_PATHS.conversations, { headers: { Authorization: 'Bearer wrong-token-wrong-token-wrong-token' } });
    await call(base, `${CONVERSATION}/messages`, `${agentConversationPath(conversationId, 'messages')}?limit=1`, { headers: alice });
    await call(base, `${CONVERSATION}/messages`, agentConversationPath('default.unknown', 'messages'), { headers: alice });
    await act('messages', { body: 'from another site' }, { ...alice, Origin: 'https://evil.test' });
    await act('close');
    await act('reopen');
    await act('assign', { agentId: 'bob' });
    await act('assign', { agentId: 'mallory' });
    await act('read', { seq: 3 });
    await act('close', undefined, alice, 'default.unknown');
    await call(base, AGENT_PATHS.me, AGENT_PATHS.me, { headers: bob });
    await call(base, AGENT_PATHS.status, AGENT_PATHS.status, { method: 'POST', headers: alice, body: { status: 'busy' } });
    // The inbox: its page, its script (404 here: the server runs from source), the cookie sign-in and out.
    await call(base, INBOX_PATHS.page, INBOX_PATHS.page);
    await call(base, INBOX_PATHS.page, INBOX_PATHS.page, { method: 'HEAD' });
    await call(base, INBOX_PATHS.page.slice(0, -1), INBOX_PATHS.page.slice(0, -1));
    await call(base, INBOX_PATHS.script, INBOX_PATHS.script);
    await call(base, INBOX_PATHS.script, INBOX_PATHS.script, { method: 'HEAD' });
    const signedIn = await call(base, AGENT_PATHS.session, AGENT_PATHS.session, { method: 'POST', headers: { 'Sec-Fetch-Site': 'same-origin' }, body: { token: ALICE.token } });
    expect(signedIn.json).toEqual({ agent: { id: ALICE.id, name: ALICE.name, ...(ALICE.avatarUrl ? { avatarUrl: ALICE.avatarUrl } : {}) } });
    await call(base, AGENT_PATHS.session, AGENT_PATHS.session, { method: 'POST', body: { token: 'not-a-token-not-a-token-not-a-token' } });
    await call(base, AGENT_PATHS.session, AGENT_PATHS.session, { method: 'POST', headers: { Origin: 'https://evil.test', 'Sec-Fetch-Site': 'cross-site' }, body: { token: ALICE.token } });
    await call(base, AGENT_PATHS.session, AGENT_PATHS.session, { method: 'DELETE', headers: { 'Sec-Fetch-Site': 'same-origin' } });
    await call(base, AGENT_PATHS.conversations, `${AGENT_PATHS.conversations}?status=open&assignee=me&q=ada`, { headers: alice });
    await call(base, VISITOR_PATHS.session, VISITOR_PATHS.session, { method: 'DELETE', headers: visitor });
    await call(base, VISITOR_PATHS.conversation, VISITOR_PATHS.conversation, { headers: visitor });

    expect(problems).toEqual([]);
    // Every operation of the document was answered at least once.
    const answered = new Set([...contract.seen].map((entry) => entry.split(' ').slice(0, 2).join(' ')));
    expect(contract.operations().filter((operation) => !answered.has(operation))).toEqual([]);
    console.log(`checked ${contract.seen.size} (operation, status) pairs against the document: ${[...contract.seen].join(', ')}`);
  }, 20_000);
});

describe('an answer that changes without the document fails the check', () => {
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}): RealAnswer => ({
    status,
    headers: new Headers({ 'content-type': 'application/json; charset=utf-8', ...headers }),
    text: JSON.stringify(body),
  });

  it('a new field, a missing field, a wrong type, an undocumented status, a missing header, a wrong event', () => {
    const policy = { serverTime: 1, presence: { available: true }, messageMaxLength: 4000 };
    expect(contract.check('GET', VISITOR_PATHS.policy, answer(200, policy))).toEqual([]);
    expect(contract.check('GET', VISITOR_PATHS.policy, answer(200, { ...policy, version: 2 })).join()).toContain('must NOT have additional properties');
    expect(contract.check('GET', VISITOR_PATHS.policy, answer(200, { presence: { available: true } })).join()).toContain("must have required property 'serverTime'");
    expect(contract.check('GET', VISITOR_PATHS.policy, answer(200, { serverTime: '1' })).join()).toContain('must be integer');
    expect(contract.check('GET', VISITOR_PATHS.policy, answer(200, { serverTime: 1 })).join()).toContain("must have required property 'messageMaxLength'");
    expect(contract.check('POST', VISITOR_PATHS.typing, answer(202, {})).join()).toContain('status 202 is not documented');
    const limited = answer(429, { error: { code: 'ERR_RATE_LIMITED', message: 'wait' } });
    expect(contract.check('POST', VISITOR_PATHS.typing, limited).join()).toContain('header Retry-After is required');
    const events = 'event: presence\ndata: {"type":"presence","available":true,"who":"alice"}\n\n';
    const sse = { status: 200, headers: new Headers({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' }), text: events };
    expect(contract.check('GET', VISITOR_PATHS.stream, sse).join()).toContain('must match exactly one schema in oneOf');
  });
});
