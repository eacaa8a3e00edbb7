import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type MessagingHandler } from '../../../../src/server/handler/index.js';
import { toNodeListener, type NodeListenerOptions } from '../../../../src/server/node/index.js';
import { listenOnLoopback } from '../helpers.js';

/** What a test handler saw, and answers with. */
type Probe = (request: Request) => Promise<Response>;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serveProbe(probe: Probe, options?: NodeListenerOptions): Promise<string> {
  const handler = Object.assign(probe, { basePath: '', close() {} }) as MessagingHandler;
  const { url, close } = await listenOnLoopback(toNodeListener(handler, options));
  cleanups.push(close);
  return url;
}

/** Sends raw HTTP (duplicate headers, exact bytes) and resolves to the status and body. */
function rawExchange(base: string, head: string, body = ''): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.end(`${head}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`));
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('utf8')));
    socket.on('end', () => resolve({ status: Number(text.split(' ', 2)[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) }));
    socket.on('error', reject);
  });
}

describe('toNodeListener: the Request the handler gets', () => {
  it('is a Request with the method, URL, headers (duplicates joined as fetch does) and body', async () => {
    const seen: Record<string, unknown> = {};
    const base = await serveProbe(async (request) => {
      seen.isRequest = request instanceof Request;
      seen.method = request.method;
      seen.url = request.url;
      seen.accept = request.headers.get('Accept');
      seen.type = request.headers.get('content-type');
      seen.tag = Object.prototype.toString.call(request);
      seen.json = await request.json();
      seen.used = request.bodyUsed;
      seen.again = await request.text().then(
        () => 'read twice',
        (error: unknown) => (error instanceof TypeError ? 'TypeError' : String(error)),
      );
      return new Response('ok');
    });
    const exchange = await rawExchange(
      base,
      ['POST /v1/x?y=1 HTTP/1.1', 'Host: chat.test:8080', 'Accept: a/b', 'Accept: c/d', 'Content-Type: application/json', 'Connection: close'].join('\r\n'),
      '{"hé":"llo"}',
    );
    expect(exchange.status).toBe(200);
    expect(seen).toEqual({
      isRequest: true,
      method: 'POST',
      url: 'http://chat.test:8080/v1/x?y=1',
      accept: 'a/b, c/d',
      type: 'application/json',
      tag: '[object Request]',
      json: { hé: 'llo' },
      used: true,
      again: 'TypeError',
    });
  });

  it('builds the real Request on demand: clone(), body, arrayBuffer() and a streamed (chunked) body', async () => {
    const seen: unknown[] = [];
    const base = await serveProbe(async (request) => {
      const copy = request.clone();
      seen.push(copy instanceof Request, copy.method, copy.headers.get('x-test'), await copy.text());
      seen.push(request.body instanceof ReadableStream, new TextDecoder().decode(await request.arrayBuffer()));
      return new Response(null, { status: 204 });
    });
    const response = await fetch(`${base}/p`, { method: 'PUT', headers: { 'X-Test': 'yes' }, body: 'small body' });
    expect(response.status).toBe(204);
    expect(seen).toEqual([true, 'PUT', 'yes', 'small body', true, 'small body']);

    seen.length = 0;
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of ['str', 'eamed']) controller.enqueue(new TextEncoder().encode(part));
        controller.close();
      },
    });
    const streamed = await fetch(`${base}/p`, { method: 'POST', body: chunked, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(204);
    expect(seen).toEqual([true, 'POST', null, 'streamed', true, 'streamed']);
  });

  it('aborts the signal when the client goes away, for a POST too', async () => {
    let aborted!: Promise<string>;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const base = await serveProbe(async (request) => {
      aborted = new Promise((resolve) => request.signal.addEventListener('abort', () => resolve('aborted')));
      started();
      await aborted;
      return new Response('too late');
    });
    const url = new URL(base);
    const raw = httpRequest({ host: url.hostname, port: url.port, path: '/slow', method: 'POST', headers: { 'Content-Length': '2' } });
    raw.on('error', () => {});
    raw.end('{}');
    await running;
    raw.destroy();
    await expect(Promise.race([aborted, new Promise((r) => setTimeout(() => r('no abort'), 1000))])).resolves.toBe('aborted');
  });

  it('webRequests: true hands over real undici Requests (new Request(request) works)', async () => {
    const seen: unknown[] = [];
    const probe: Probe = async (request) => {
      const copy = new Request(request, { headers: { 'X-Added': '1' } });
      seen.push(copy.method, copy.headers.get('x-added'), await copy.text());
      return new Response('copied');
    };
    const base = await serveProbe(probe, { webRequests: true });
    const response = await fetch(`${base}/c`, { method: 'POST', body: 'payload' });
    expect(await response.text()).toBe('copied');
    expect(seen).toEqual(['POST', '1', 'payload']);
  });

  it('GET: no body, text() is empty, and the Host header makes the URL', async () => {
    let seen: unknown[] = [];
    const base = await serveProbe(async (request) => {
      seen = [request.method, new URL(request.url).pathname, await request.text(), request.signal.aborted];
      return new Response('x');
    });
    await (await fetch(`${base}/a/b`)).text();
    expect(seen).toEqual(['GET', '/a/b', '', false]);
  });

  it('a request with neither Content-Length nor Transfer-Encoding has no body, and its connection stays open', async () => {
    let seen: unknown[] = [];
    const base = await serveProbe(async (request) => {
      seen = [request.method, await request.text(), request.bodyUsed, request.body];
      return new Response(null, { status: 204 });
    });
    for (const method of ['DELETE', 'OPTIONS']) {
      const response = await fetch(`${base}/s`, { method });
      expect(response.status).toBe(204);
      expect(response.headers.get('connection'), method).toBe('keep-alive');
      expect(seen).toEqual([method, '', false, null]);
    }
  });
});
