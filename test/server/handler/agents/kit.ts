/**
 * Over-real-HTTP kit for the SPEC §11 agent tests: a handler on a node:http
 * server on 127.0.0.1, a visitor (session, stream, POSTs) and agents (their own
 * tokens), each speaking exactly what a browser or a server would send.
 */
import { afterEach } from 'vitest';
import { agentConversationPath, AGENT_PATHS, OPTIONAL_AGENT_STREAM_EVENTS, OPTIONAL_STREAM_EVENTS, STREAM_EVENTS_PARAM, VISITOR_PATHS, type ConversationAction } from '../../../../src/identity/index.js';
import { type MessagingHandler, type MessagingHandlerOptions } from '../../../../src/server/handler/index.js';
import { toNodeListener } from '../../../../src/server/node/index.js';
import { automatedUuid, HOST_ORIGIN, listenOnLoopback, makeHandler, SseReader } from '../helpers.js';

export const ALICE = { id: 'alice', name: 'Alice Martin', avatarUrl: 'https://cdn.test/alice.png', token: 'alice-token-0123456789-abcdefghijklmn' };
export const BOB = { id: 'bob', name: 'Bob', token: 'bob-token-0123456789-abcdefghijklmnopq' };
export const AGENTS = [ALICE, BOB];
/** The chat server's own origin in these tests (`publicOrigin`): where the inbox would be served. */
export const CHAT_ORIGIN = 'https://chat.example';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs `cleanup` after the current test. */
export function later(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

export interface Served {
  base: string;
  handler: MessagingHandler;
}

/** A handler with Alice and Bob (no agentToken) on a real HTTP server. */
export async function serve(options: Partial<MessagingHandlerOptions> = {}): Promise<Served> {
  const handler = makeHandler({ agentToken: undefined, agents: AGENTS, publicOrigin: CHAT_ORIGIN, ...options });
  const { url, close } = await listenOnLoopback(toNodeListener(handler));
  later(() => handler.close());
  later(close);
  return { base: url, handler };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

/** A stream read like the widget and the inbox read it; cancelled after the test. */
async function openStream(url: string, headers: Record<string, string>): Promise<SseReader> {
  const abort = new AbortController();
  later(() => abort.abort());
  const response = await fetch(url, { headers, signal: abort.signal });
  if (response.status !== 200) throw new Error(`stream: ${response.status} ${await response.text()}`);
  const reader = new SseReader(response);
  await reader.until((r) => r.raw.startsWith(': open'));
  return reader;
}

export class Visitor {
  private constructor(
    readonly base: string,
    readonly session: string,
    readonly conversationId: string,
  ) {}

  static async register(base: string): Promise<Visitor> {
    const response = await fetch(`${base}${VISITOR_PATHS.identity}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: HOST_ORIGIN },
      body: JSON.stringify({ automatedUuid: automatedUuid() }),
    });
    const body = (await response.json()) as { session: string; conversationId: string };
    return new Visitor(base, body.session, body.conversationId);
  }

  private get auth(): Record<string, string> {
    return { Authorization: `Bearer ${this.session}`, Origin: HOST_ORIGIN };
  }

  async post(path: string, body?: unknown): Promise<Answer> {
    return answer(
      await fetch(`${this.base}${path}`, {
        method: 'POST',
        headers: { ...this.auth, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  }

  async get(path: string): Promise<Answer> {
    return answer(await fetch(`${this.base}${path}`, { headers: this.auth }));
  }

  private sent = 0;
  send(body: string): Promise<Answer> {
    return this.post(VISITOR_PATHS.messages, { clientId: `visitor_${Date.now()}_${++this.sent}`, body });
  }

  stream(): Promise<SseReader> {
    return openStream(`${this.base}${VISITOR_PATHS.stream}?${STREAM_EVENTS_PARAM}=${OPTIONAL_STREAM_EVENTS.join(',')}`, this.auth);
  }
}

export class Agent {
  constructor(
    readonly base: string,
    readonly token: string,
    /** Headers a browser would add (Origin, Sec-Fetch-Site); none for a server-side caller. */
    readonly browser: Record<string, string> = {},
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { Authorization: `Bearer ${this.token}`, ...this.browser, ...extra };
  }

  async get(path: string): Promise<Answer> {
    return answer(await fetch(`${this.base}${path}`, { headers: this.headers() }));
  }

  async post(path: string, body?: unknown): Promise<Answer> {
    return answer(
      await fetch(`${this.base}${path}`, {
        method: 'POST',
        headers: this.headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  }

  act(conversationId: string, action: ConversationAction, body?: unknown): Promise<Answer> {
    return this.post(agentConversationPath(conversationId, action), body);
  }

  reply(conversationId: string, body: string): Promise<Answer> {
    return this.act(conversationId, 'messages', { body });
  }

  summary(conversationId: string): Promise<any> {
    return this.get(`${AGENT_PATHS.conversations}?limit=200`).then((list) => list.body.conversations.find((c: { id: string }) => c.id === conversationId));
  }

  stream(): Promise<SseReader> {
    return openStream(`${this.base}${AGENT_PATHS.stream}?${STREAM_EVENTS_PARAM}=${OPTIONAL_AGENT_STREAM_EVENTS.join(',')}`, this.headers());
  }
}

/** The visitor-side presence events a stream received, in order. */
export function presenceEvents(reader: SseReader): any[] {
  return reader.events.filter((e) => e.event === 'presence').map((e) => e.data);
}
