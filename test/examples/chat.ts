/**
 * A first answered chat against a running example, over HTTP as the widget
 * and an agent make it: the page with the snippet, a token from the example's
 * token endpoint, sign-in, a message, the agent reading it and replying, and
 * that reply on the visitor's open stream, then logout.
 */
import { expect } from 'vitest';
import { AGENT_TOKEN } from './example.js';

export interface ChatOptions {
  /** Where chatq is mounted (default `${base}/chatq`). */
  chat?: string;
  /** The page that carries the snippet (default `/`) and the token endpoint (default `/api/chatq-token`). */
  page?: string;
  tokenPath?: string;
  /** What the page's HTML holds (default the snippet's `loader.js`). */
  pageHas?: string;
  user?: string;
}

/** Reads an SSE body until `done(text)` holds. */
async function readUntil(response: Response, done: (text: string) => boolean): Promise<string> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (!done(text)) {
    const { value, done: ended } = await reader.read();
    if (ended) throw new Error(`stream ended first:\n${text}`);
    text += value;
  }
  await reader.cancel();
  return text;
}

export async function firstChat(base: string, options: ChatOptions = {}): Promise<void> {
  const chat = options.chat ?? `${base}/chatq`;
  const user = options.user ?? 'ada';
  const page = await fetch(`${base}${options.page ?? '/'}`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain(options.pageHas ?? 'loader.js');
  expect((await fetch(`${chat}/loader.js`)).status).toBe(200);

  const anonymous = await fetch(`${base}${options.tokenPath ?? '/api/chatq-token'}`);
  expect(anonymous.status).toBe(401);
  const token = await fetch(`${base}${options.tokenPath ?? '/api/chatq-token'}`, { headers: { Cookie: `user=${user}` } });
  expect(token.status).toBe(200);
  expect(token.headers.get('cache-control')).toMatch(/no-store/);
  const { jwt } = (await token.json()) as { jwt: string };

  const json = { 'Content-Type': 'application/json', Origin: base, 'Accept-Encoding': 'gzip, deflate, br' };
  const registered = await fetch(`${chat}/v1/identity`, { method: 'POST', headers: json, body: JSON.stringify({ jwt }) });
  const signedIn = await registered.json();
  expect(registered.status, JSON.stringify(signedIn)).toBe(200);
  expect(registered.headers.get('access-control-allow-origin')).toBe(base);
  expect(signedIn.identity).toMatchObject({ uuid: user, signed: true });
  const session = { Authorization: `Bearer ${signedIn.session}`, Origin: base };

  const abort = new AbortController();
  try {
    const stream = await fetch(`${chat}/v1/stream`, { headers: { ...session, 'Accept-Encoding': 'gzip, deflate, br' }, signal: abort.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const sent = await fetch(`${chat}/v1/messages`, { method: 'POST', headers: { ...json, ...session }, body: JSON.stringify({ clientId: `cid_${Date.now()}`, body: 'Where is my order?' }) });
    expect(sent.status, await sent.clone().text()).toBe(201);

    const agent = `${chat}/agent/v1/conversations/${encodeURIComponent(signedIn.conversationId)}/messages`;
    const history = await (await fetch(agent, { headers: { Authorization: `Bearer ${AGENT_TOKEN}` } })).json();
    expect(history.messages.map((message: { body: string }) => message.body)).toEqual(['Where is my order?']);
    const reply = await fetch(agent, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${AGENT_TOKEN}` }, body: JSON.stringify({ body: 'It ships today.' }) });
    expect(reply.status, await reply.clone().text()).toBe(201);
    await readUntil(stream, (text) => text.includes('It ships today.'));
  } finally {
    abort.abort();
  }

  const logout = await fetch(`${chat}/v1/session`, { method: 'DELETE', headers: session });
  expect(logout.status).toBe(204);
}
