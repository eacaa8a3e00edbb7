import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readJsonObject } from '../../../../src/server/handler/http/body.js';
import { HttpError } from '../../../../src/server/handler/http/errors.js';
import { type MessagingHandler } from '../../../../src/server/handler/index.js';
import { toNodeListener, type NodeListenerOptions } from '../../../../src/server/node/index.js';
import { automatedUuid, BASE, HOST_ORIGIN, json, listenOnLoopback, makeHandler } from '../helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(handler: MessagingHandler, options: NodeListenerOptions): Promise<URL> {
  const { url, close } = await listenOnLoopback(toNodeListener(handler, options));
  cleanups.push(close);
  cleanups.push(() => handler.close());
  return new URL(url);
}

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A client that sends a request head itself and then only what the test
 * writes: `answer` resolves with the response, `closed` once the connection
 * is closed, telling whether the server ended it (the client never does before
 * the clean-up). Neither has a clock: an answer or a close that never comes
 * fails the test at its timeout.
 */
function rawClient(base: URL, head: string[]) {
  const socket: Socket = connect(Number(base.port), base.hostname);
  cleanups.push(() => void socket.destroy());
  socket.write(`${head.join('\r\n')}\r\n\r\n`);
  let text = '';
  let endedByServer = false;
  socket.once('end', () => (endedByServer = true));
  const answer = new Promise<RawAnswer>((resolve) => {
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      const body = text.slice(end + 4);
      if (body.length < Number(headers['content-length'] ?? 0)) return;
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
  });
  const closed = new Promise<{ endedByServer: boolean }>((resolve) => socket.once('close', () => resolve({ endedByServer })));
  socket.on('error', () => {});
  return { socket, answer, closed };
}

function postHead(path: string, extra: string[] = []): string[] {
  return [`POST ${path} HTTP/1.1`, 'Host: chat.test', `Origin: ${HOST_ORIGIN}`, 'Content-Type: application/json', ...extra];
}

const registration = () => JSON.stringify({ automatedUuid: automatedUuid() });

describe('SPEC §6 "Bounds": a request body must arrive within the deadline (toNodeListener)', () => {
  for (const webRequests of [false, true]) {
    it(`a body sent byte by byte gets 408 ERR_BODY_TIMEOUT and the connection closes${webRequests ? ' (webRequests)' : ''}`, async () => {
      const base = await listen(makeHandler(), { bodyTimeoutMs: 300, webRequests });
      const body = registration();
      const client = rawClient(base, postHead('/v1/identity', [`Content-Length: ${body.length}`]));
      let sent = 0;
      const trickle = setInterval(() => client.socket.write(body[sent++] ?? ''), 50);
      cleanups.push(() => clearInterval(trickle));
      const answer = await client.answer;
      expect(answer.status).toBe(408);
      expect(JSON.parse(answer.body)).toEqual({ error: { code: 'ERR_BODY_TIMEOUT', message: expect.any(String) } });
      expect(answer.headers.connection).toBe('close');
      // The browser can read the refusal: the handler's own answer, with CORS.
      expect(answer.headers['access-control-allow-origin']).toBe(HOST_ORIGIN);
      // A byte every 50 ms keeps the socket busy: the deadline is for the whole body, which was not all sent.
      expect(sent).toBeLessThan(body.length);
      expect(await client.closed).toEqual({ endedByServer: true });
    });
  }

  it('a chunked body that never ends gets the same 408, and the connection closes', async () => {
    const base = await listen(makeHandler(), { bodyTimeoutMs: 300 });
    const client = rawClient(base, postHead('/v1/identity', ['Transfer-Encoding: chunked']));
    client.socket.write('1\r\n{\r\n');
    const answer = await client.answer;
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body).error.code).toBe('ERR_BODY_TIMEOUT');
    expect(await client.closed).toEqual({ endedByServer: true });
  });

  it('a body sent in pieces within the deadline is read as usual', async () => {
    const base = await listen(makeHandler(), { bodyTimeoutMs: 1000 });
    const body = registration();
    const client = rawClient(base, postHead('/v1/identity', [`Content-Length: ${body.length}`]));
    for (const piece of [body.slice(0, 10), body.slice(10, 20), body.slice(20)]) {
      await new Promise((r) => setTimeout(r, 60));
      client.socket.write(piece);
    }
    const answer = await client.answer;
    expect(answer.status).toBe(200);
    expect(answer.headers.connection).toBe('keep-alive');
    expect(JSON.parse(answer.body).session).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("arms one body timer a request, the adapter's: the handler's deadline rides on it (issue 22 item 1)", async () => {
    // 7 777 ms is the adapter's deadline here, 10 000 ms the handler's own (http/body.ts): each timer says whose it is.
    const armed = vi.spyOn(globalThis, 'setTimeout');
    const base = await listen(makeHandler(), { bodyTimeoutMs: 7_777 });
    const body = registration();
    const client = rawClient(base, postHead('/v1/identity', [`Content-Length: ${body.length}`]));
    client.socket.write(body);
    expect((await client.answer).status).toBe(200);
    const delays = armed.mock.calls.map(([, ms]) => ms);
    armed.mockRestore();
    expect(delays.filter((ms) => ms === 7_777)).toHaveLength(1);
    expect(delays.filter((ms) => ms === 10_000)).toHaveLength(0);
  });

  it("with the adapter's deadline off (Infinity), the handler's 10 s still bound a body (one timer)", async () => {
    const armed = vi.spyOn(globalThis, 'setTimeout');
    const base = await listen(makeHandler(), { bodyTimeoutMs: Infinity });
    const body = registration();
    const client = rawClient(base, postHead('/v1/identity', [`Content-Length: ${body.length}`]));
    client.socket.write(body.slice(0, 5));
    // The handler reads (after its rate limit) while the rest of the body is still on its way.
    await vi.waitFor(() => expect(armed.mock.calls.filter(([, ms]) => ms === 10_000)).toHaveLength(1));
    client.socket.write(body.slice(5));
    expect((await client.answer).status).toBe(200);
    expect(armed.mock.calls.filter(([, ms]) => ms === 10_000)).toHaveLength(1);
    armed.mockRestore();
  });

  it('refuses a deadline that is not a positive number of milliseconds', () => {
    const handler = makeHandler();
    cleanups.push(() => handler.close());
    for (const bodyTimeoutMs of [0, -1, Number.NaN, '10' as unknown as number]) {
      expect(() => toNodeListener(handler, { bodyTimeoutMs })).toThrow(expect.objectContaining({ code: 'ERR_HANDLER_CONFIG' }));
    }
    expect(() => toNodeListener(handler, { bodyTimeoutMs: Infinity })).not.toThrow();
  });
});

describe('SPEC §6 "Bounds": the per-address limits apply before a body is read', () => {
  // Headers announce a body that never comes: waiting for it would end in a 408 at the deadline,
  // so a 429 or a 401 (not a 408) shows the server answered without waiting, whatever the clock says.
  it('a rate-limited address gets 429 at once, without the server waiting for its body', async () => {
    const base = await listen(makeHandler({ limits: { registrationsPerMinutePerAddress: 1 } }), { bodyTimeoutMs: 1500 });
    const first = rawClient(base, postHead('/v1/identity', ['Content-Length: 2', 'Connection: close']));
    first.socket.write('{}');
    expect((await first.answer).status).toBe(200);
    const limited = rawClient(base, postHead('/v1/identity', ['Content-Length: 50']));
    const answer = await limited.answer;
    expect(answer.status).toBe(429);
    expect(JSON.parse(answer.body).error.code).toBe('ERR_RATE_LIMITED');
    expect(answer.headers['retry-after']).toBe('60');
    // Nor can the sender keep the socket by never sending the body: the server ends it.
    expect(await limited.closed).toEqual({ endedByServer: true });
  });

  it('a message without a session gets 401 at once, before its body is read', async () => {
    const base = await listen(makeHandler(), { bodyTimeoutMs: 1500 });
    const client = rawClient(base, postHead('/v1/messages', ['Content-Length: 100']));
    const answer = await client.answer;
    expect(answer.status).toBe(401);
  });
});

describe('SPEC §6 "Bounds": the web-standard core bounds a trickling stream body (Deno, Bun, Workers)', () => {
  const trickling = (cancelled: { reason?: unknown; done: boolean }) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{'));
      },
      cancel(reason) {
        cancelled.done = true;
        cancelled.reason = reason;
      },
    });

  it('readJsonObject cancels the stream and throws 408 ERR_BODY_TIMEOUT at its deadline, not before', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const cancelled = { done: false } as { reason?: unknown; done: boolean };
    const request = new Request(`${BASE}/v1/identity`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: trickling(cancelled),
      duplex: 'half',
    } as RequestInit);
    const pending = readJsonObject(request, 16_384, 100).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(99);
    expect(cancelled.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await pending;
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 408, code: 'ERR_BODY_TIMEOUT', headers: { Connection: 'close' } });
    expect(cancelled.done).toBe(true);
  });

  it('the handler answers such a request 408 after 10 s, in the JSON error shape', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const handler = makeHandler();
    cleanups.push(() => handler.close());
    const cancelled = { done: false } as { reason?: unknown; done: boolean };
    const pending = handler(
      new Request(`${BASE}/v1/identity`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: HOST_ORIGIN },
        body: trickling(cancelled),
        duplex: 'half',
      } as RequestInit),
    );
    await vi.advanceTimersByTimeAsync(9_999);
    expect(cancelled.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const response = await pending;
    expect(response.status).toBe(408);
    expect(response.headers.get('connection')).toBe('close');
    expect((await json(response)).error.code).toBe('ERR_BODY_TIMEOUT');
    expect(cancelled.done).toBe(true);
  });
});
