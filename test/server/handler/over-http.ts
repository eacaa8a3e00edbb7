/**
 * The visitor's and the agent's whole path over real HTTP, for the suites that
 * mount the handler in a framework (Express, Fastify, Hono): registration, a
 * message, the agent's reply, and that reply delivered on the open SSE stream.
 */
import { expect } from 'vitest';
import { AGENT_TOKEN, automatedUuid, HOST_ORIGIN, SseReader } from './helpers.js';

const jsonHeaders = { 'Content-Type': 'application/json', Origin: HOST_ORIGIN };

/** POST /v1/identity; the answer's status and JSON. */
export async function registerOverHttp(base: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}/v1/identity`, { method: 'POST', headers: jsonHeaders, body: JSON.stringify({ automatedUuid: automatedUuid() }) });
  return { status: response.status, body: await response.json() };
}

/** Runs the whole chat path against `base` (the handler's basePath on the server) and asserts each step. */
export async function chatOverHttp(base: string): Promise<void> {
  const registered = await registerOverHttp(base);
  expect(registered.status, JSON.stringify(registered.body)).toBe(200);
  const { session, conversationId } = registered.body as { session: string; conversationId: string };
  const auth = { Authorization: `Bearer ${session}`, Origin: HOST_ORIGIN };

  const abort = new AbortController();
  try {
    const stream = await fetch(`${base}/v1/stream`, { headers: auth, signal: abort.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const reader = new SseReader(stream);
    await reader.until((r) => r.comments.includes('ping'));

    const sent = await fetch(`${base}/v1/messages`, { method: 'POST', headers: { ...jsonHeaders, ...auth }, body: JSON.stringify({ clientId: `cid_${Date.now()}`, body: 'hello from the visitor' }) });
    expect(sent.status, await sent.clone().text()).toBeLessThan(300);

    const history = await fetch(`${base}/agent/v1/conversations/${encodeURIComponent(conversationId)}/messages`, { headers: { Authorization: `Bearer ${AGENT_TOKEN}` } });
    expect(history.status).toBe(200);
    expect(JSON.stringify(await history.json())).toContain('hello from the visitor');

    const reply = await fetch(`${base}/agent/v1/conversations/${encodeURIComponent(conversationId)}/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${AGENT_TOKEN}` },
      body: JSON.stringify({ body: 'hello from the agent' }),
    });
    expect(reply.status, await reply.clone().text()).toBe(201);
    await reader.until((r) => r.messages().some((m) => m.body === 'hello from the agent'));
  } finally {
    abort.abort();
  }
}
