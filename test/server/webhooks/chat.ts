/**
 * Test kit for webhooks through the real handler over HTTP: a handler on an
 * engine, served by node:http on 127.0.0.1, and the visitor's and the agent's
 * requests that make events (registration, messages).
 */
import { expect } from 'vitest';
import type { Engine } from '../../../src/server/engine/index.js';
import { type MessagingHandler } from '../../../src/server/handler/index.js';
import { toNodeListener } from '../../../src/server/node/index.js';
import { AGENT_TOKEN, automatedUuid, HOST_ORIGIN, listenOnLoopback, makeHandler } from '../handler/helpers.js';
import type { Received } from '../../helpers/webhook-receiver.js';

export interface Chat {
  url: string;
  handler: MessagingHandler;
  logs: string[];
  close(): Promise<void>;
}

export async function serveChat(engine: Engine, webhooks: { url: string; secret: string }[]): Promise<Chat> {
  const logs: string[] = [];
  const handler = makeHandler({ engine, community: 'shop', webhooks, logger: { warn: (line) => logs.push(line) } });
  const served = await listenOnLoopback(toNodeListener(handler));
  return { url: served.url, handler, logs, close: async () => (await handler.close(), await served.close()) };
}

export interface Visitor {
  session: string;
  conversationId: string;
}

/** POST /v1/identity as a new browser visitor. */
export async function registerVisitor(base: string): Promise<Visitor> {
  const response = await fetch(`${base}/v1/identity`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: HOST_ORIGIN },
    body: JSON.stringify({ automatedUuid: automatedUuid() }),
  });
  const body = (await response.json()) as Visitor;
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body;
}

/** POST /v1/messages; resolves with the status once the handler answered. */
export async function visitorSays(base: string, visitor: Visitor, body: string): Promise<number> {
  const response = await fetch(`${base}/v1/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: HOST_ORIGIN, Authorization: `Bearer ${visitor.session}` },
    body: JSON.stringify({ clientId: `cid_${crypto.randomUUID()}`, body }),
  });
  await response.arrayBuffer();
  return response.status;
}

export async function agentSays(base: string, conversationId: string, body: string): Promise<number> {
  const response = await fetch(`${base}/agent/v1/conversations/${encodeURIComponent(conversationId)}/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${AGENT_TOKEN}` },
    body: JSON.stringify({ body }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** What a conversation's receiver saw, first arrival of each event (retries after a lost answer folded), as `type seq`. */
export function seen(received: readonly Received[], conversationId: string): string[] {
  const ids = new Set<string>();
  const out: string[] = [];
  for (const event of received) {
    if (event.data.conversationId !== conversationId || ids.has(event.id)) continue;
    ids.add(event.id);
    out.push(`${event.type} ${event.data.seq}`);
  }
  return out;
}

/** Waits until `check` passes, polling; `ms` is a generous cap for a loaded machine, not a speed claim. */
export async function until(check: () => void, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** POST {base}/agent/v1/conversations/{id}/close or /reopen. */
export async function agentSets(base: string, conversationId: string, action: 'close' | 'reopen'): Promise<number> {
  const response = await fetch(`${base}/agent/v1/conversations/${encodeURIComponent(conversationId)}/${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${AGENT_TOKEN}` },
    body: '{}',
  });
  await response.arrayBuffer();
  return response.status;
}
