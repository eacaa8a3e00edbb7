/**
 * The inbox's world for browser tests: a chat server from the BUILT package
 * (dist/server.js carries dist/inbox.js, as integrators get it), with two
 * configured agents, a host site with the widget, and node-side visitors that
 * speak the visitor API directly (for what the widget does not do yet).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { RegisterResponse, StreamEvent } from '../../src/identity/index.js';
import { HS_KEY, nowSeconds, signHS256 } from '../helpers/sign.js';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
type ServerModule = typeof import('../../src/server/index.js');
type NodeModule = typeof import('../../src/server/node/index.js');
type RedisModule = typeof import('../../src/server/engine/redis/index.js');

export const BASE = '/chatq';
export const AGENTS = [
  { id: 'ada', name: 'Ada Lovelace', token: 'ada-token-0123456789-abcdefghijklmnop' },
  { id: 'bob', name: 'Bob Stone', token: 'bob-token-0123456789-abcdefghijklmnop' },
] as const;

export interface ChatInstance {
  origin: string;
  base: string;
  close(): Promise<void>;
}

/**
 * One handler instance on its own port; `engine` shares state with other
 * instances (Redis). Without one, a memory engine whose per-address quota
 * admits the tests' many visitors, who all come from 127.0.0.1.
 */
export async function startInstance(hostOrigins: string[], engine?: unknown): Promise<ChatInstance> {
  const { createMemoryEngine, createMessagingHandler, createVerifier, defineCommunity } = (await import(`${dist}server.js`)) as ServerModule;
  const { toNodeListener } = (await import(`${dist}node.js`)) as NodeModule;
  engine ??= createMemoryEngine({ maxConversationsPerAddress: 10_000 });
  const community = defineCommunity({ id: 'inbox-test', signedIdentities: 'require', jwtKeys: [{ id: HS_KEY.kid, secret: HS_KEY.secret }], minTokenLifetime: 2 });
  const handler = createMessagingHandler({
    verifier: createVerifier(community),
    allowedOrigins: hostOrigins,
    basePath: BASE,
    agents: AGENTS.map((agent) => ({ ...agent })),
    replyTime: 'Usually replies within minutes',
    ...(engine === undefined ? {} : { engine: engine as never }),
    limits: { registrationsPerMinutePerAddress: 1e6, registrationsPerMinutePerSession: 1e6, messagesPerMinutePerSession: 1e6, messagesPerMinutePerAddress: 1e6, messagesPerMinutePerConversation: 1e6 },
  } as Parameters<typeof createMessagingHandler>[0]);
  const server: Server = createServer(toNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    base: origin + BASE,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await (handler as { close?: () => unknown }).close?.();
    },
  };
}

export async function redisEngine(url: string): Promise<{ close(): Promise<void> }> {
  const { createRedisEngine } = (await import(`${dist}redis.js`)) as RedisModule;
  return createRedisEngine({ url });
}

export function visitorJwt(uuid: string, fields: Record<string, string> = {}): string {
  return signHS256({ uuid, iat: nowSeconds(), exp: nowSeconds() + 3600, ...fields }, HS_KEY);
}

/** A visitor speaking the HTTP API, with its stream's events collected. */
export interface ApiVisitor {
  session: string;
  conversationId: string;
  events: StreamEvent[];
  send(body: string): Promise<Response>;
  post(path: string, body: object): Promise<Response>;
  close(): void;
}

export async function apiVisitor(base: string, origin: string, uuid: string, fields: Record<string, string> = {}): Promise<ApiVisitor> {
  const headers = { 'content-type': 'application/json', origin };
  const response = await fetch(`${base}/v1/identity`, { method: 'POST', headers, body: JSON.stringify({ jwt: visitorJwt(uuid, fields) }) });
  if (!response.ok) throw new Error(`register ${uuid}: ${response.status} ${await response.text()}`);
  const registered = (await response.json()) as RegisterResponse;
  const auth = { ...headers, authorization: `Bearer ${registered.session}` };
  const events: StreamEvent[] = [];
  const controller = new AbortController();
  void (async () => {
    // The optional events (presence, typing, read) come only to a client that asks for them (SPEC §11).
    const stream = await fetch(`${base}/v1/stream?events=presence,typing,read`, { headers: { authorization: auth.authorization, origin }, signal: controller.signal });
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').find((line) => line.startsWith('data:'));
        if (data) events.push(JSON.parse(data.slice(5)) as StreamEvent);
      }
    }
  })().catch(() => undefined);
  let n = 0;
  return {
    session: registered.session,
    conversationId: registered.conversationId,
    events,
    send: (body) => fetch(`${base}/v1/messages`, { method: 'POST', headers: auth, body: JSON.stringify({ body, clientId: `${uuid.replace(/[^A-Za-z0-9]/g, '')}-m${++n}-0000` }) }),
    post: (path, body) => fetch(`${base}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) }),
    close: () => controller.abort(),
  };
}

/** Locators into the inbox's shadow root (Playwright's CSS pierces it). */
export function inbox(page: Page) {
  const root = page.locator('chatq-inbox');
  return {
    root,
    token: root.locator('input#token'),
    signInButton: root.locator('form.signin button[type=submit]'),
    signInError: root.locator('form.signin .error'),
    items: root.locator('.item'),
    item: (name: string) => root.locator('.item', { hasText: name }),
    tab: (label: string) => root.locator(`.tabs button[data-view="${label}"]`),
    search: root.locator('input[type=search]'),
    more: root.locator('button.more'),
    title: root.locator('.thread-head h2'),
    messages: root.locator('.messages .msg'),
    older: root.locator('.messages button.older'),
    reply: root.locator('form.composer textarea'),
    typing: root.locator('.typing'),
    seen: root.locator('.messages .seen'),
    assign: root.locator('.thread-head select'),
    toggle: root.locator('.thread-head .actions button').first(),
    identity: root.locator('.identity'),
    status: root.locator('header.bar select'),
  };
}

export async function signInToInbox(page: Page, base: string, token: string): Promise<void> {
  await page.goto(`${base}/inbox/`);
  const ui = inbox(page);
  await ui.token.fill(token);
  await ui.signInButton.click();
  await ui.search.waitFor();
}
