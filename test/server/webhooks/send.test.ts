/**
 * One delivery attempt (src/server/webhooks/send.ts) against a real HTTP
 * server on 127.0.0.1: the signed POST it makes, and how each answer is
 * classified (2xx, 410, other statuses, a redirect, a hang, no server).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { deliver, DELIVERY_TIMEOUT_MS, type Delivery } from '../../../src/server/webhooks/send.js';
import { importSecret, secretKeyBytes } from '../../../src/server/webhooks/signature.js';
import { newSecret } from '../../helpers/webhook-receiver.js';

interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the server answers next: a status, a redirect, or no answer at all. */
let answer: number | { redirect: string } | 'hang';
let seen: Seen[];
const hanging = new Set<ServerResponse>();
const server = createServer(async (request, response) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  seen.push({ method: request.method!, path: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
  if (answer === 'hang') hanging.add(response);
  else if (typeof answer === 'object') response.writeHead(307, { location: answer.redirect }).end();
  else response.writeHead(answer).end('ignored body');
});
let origin: string;
const secrets = [newSecret(), newSecret()];
let keys: CryptoKey[];

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  keys = await Promise.all(secrets.map((secret) => importSecret(secretKeyBytes(secret) as Uint8Array)));
});

afterAll(async () => {
  for (const response of hanging) response.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  answer = 204;
  seen = [];
});

const delivery = (change: Partial<Delivery> = {}): Delivery => ({
  url: `${origin}/hooks?token=abc`,
  keys,
  id: 'msg_0123456789abcdef01234567',
  body: JSON.stringify({ type: 'conversation.created', timestamp: '2026-06-01T12:00:00.000Z', data: { seq: 0 } }),
  timestamp: Math.floor(Date.now() / 1000),
  ...change,
});

describe('deliver', () => {
  it('POSTs the body as JSON with the Standard Webhooks headers, one signature per key, each verifying', async () => {
    const sent = delivery();
    expect(await deliver(sent)).toEqual({ ok: true, status: 204 });
    expect(seen).toHaveLength(1);
    const [request] = seen as [Seen];
    expect([request.method, request.path, request.body]).toEqual(['POST', '/hooks?token=abc', sent.body]);
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'chatq-webhooks',
      'webhook-id': sent.id,
      'webhook-timestamp': String(sent.timestamp),
    });
    expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of secrets) expect(new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).toEqual(JSON.parse(sent.body));
  });

  it('counts any 2xx as delivered, with its status', async () => {
    answer = 200;
    expect(await deliver(delivery())).toEqual({ ok: true, status: 200 });
    answer = 299;
    expect(await deliver(delivery())).toEqual({ ok: true, status: 299 });
  });

  it('reads 410 as gone: the receiver asked never to be called again', async () => {
    answer = 410;
    expect(await deliver(delivery())).toEqual({ ok: false, gone: true, reason: '410 Gone' });
  });

  it('fails any other status with it in the reason, to be retried', async () => {
    for (const status of [400, 404, 500, 503]) {
      answer = status;
      expect(await deliver(delivery())).toEqual({ ok: false, gone: false, reason: `HTTP ${status}` });
    }
  });

  it('does not follow a redirect, and says to give the final URL', async () => {
    answer = { redirect: `${origin}/elsewhere` };
    expect(await deliver(delivery())).toEqual({ ok: false, gone: false, reason: 'HTTP 307 (redirects are not followed: give the final URL)' });
    expect(seen.map((request) => request.path)).toEqual(['/hooks?token=abc']);
  });

  it('cuts a receiver that does not answer within the timeout, and says how long it waited', async () => {
    answer = 'hang';
    expect(await deliver(delivery({ timeoutMs: 200 }))).toEqual({ ok: false, gone: false, reason: 'no answer within 0.2 s' });
  });

  it('fails when nothing listens, and gives the SPEC’s 15 s by default', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/hooks`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await deliver(delivery({ url }))).toEqual({ ok: false, gone: false, reason: 'connection failed' });
    expect(DELIVERY_TIMEOUT_MS).toBe(15_000);
  });
});
