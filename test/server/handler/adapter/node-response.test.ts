/**
 * The SSE path that writes straight to Node's socket (adapter/node-response.ts,
 * live/sse.ts), over a real loopback connection whose client stops reading:
 * the kernel's buffers fill, `write()` says so, and the visitor stream's
 * producer waits for `drain` instead of queueing the backlog in the process
 * (SPEC §6 "Bounds"). When the client reads again it gets every message, in
 * order, once — nothing dropped, nothing repeated.
 */
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { toNodeListener } from '../../../../src/server/node/index.js';
import { createMemoryStore } from '../../../../src/server/store/index.js';
import { HOST_ORIGIN, register, send, useHandlers } from '../helpers.js';

const handlerFor = useHandlers();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const MESSAGES = 4000;
const BODY = 'z'.repeat(3990);
const QUEUE_CAP = 256 * 1024;

describe('a Node socket whose reader stops', () => {
  it('holds the visitor stream at the socket (bounded in the process), then delivers every message once, in order', async () => {
    const unlimited = Number.POSITIVE_INFINITY;
    const handler = handlerFor({
      store: createMemoryStore({ maxMessagesPerConversation: MESSAGES + 10 }),
      limits: {
        messagesPerMinutePerSession: unlimited,
        messagesPerMinutePerConversation: unlimited,
        messagesPerMinutePerAddress: unlimited,
        maxStreamQueueBytes: QUEUE_CAP,
      },
    });
    const sockets: { socket: Socket; port: number | undefined }[] = [];
    const server = createServer(toNodeListener(handler));
    server.on('connection', (socket) => sockets.push({ socket, port: socket.remotePort }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
    const { port } = server.address() as AddressInfo;

    const { session } = await register(handler);
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const get = httpRequest({ host: '127.0.0.1', port, path: '/v1/stream', headers: { Authorization: `Bearer ${session}`, Origin: HOST_ORIGIN } }, resolve);
      get.on('error', reject);
      get.end();
    });
    expect(response.statusCode).toBe(200);
    response.pause(); // the reader stops: nothing is read from the socket from here on
    const clientPort = response.socket.localPort;

    for (let i = 1; i <= MESSAGES; i++) expect((await send(handler, session, `${i} ${BODY}`)).status).toBe(201);
    await new Promise((r) => setTimeout(r, 300));

    // About 16 MB were sent; far less has left the process, and the rest waits in the store, not in Node's buffers.
    const stream = sockets.find((entry) => entry.port === clientPort)!.socket;
    // Measured here: ~4 MB in the kernel's buffers, ~66 KB (the producers' low-water mark) in Node's.
    const total = MESSAGES * BODY.length;
    expect(stream.destroyed).toBe(false);
    expect(stream.bytesWritten).toBeLessThan(total * 0.75); // kernel buffers vary by machine; well under the whole either way
    expect(stream.writableLength).toBeLessThanOrEqual(QUEUE_CAP + 16 * 1024);

    // The reader comes back: every message arrives, once and in order, on the same stream.
    const seqs: number[] = [];
    let rest = '';
    let ended = false;
    response.on('end', () => (ended = true));
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      const frames = (rest + chunk).split('\n\n');
      rest = frames.pop()!;
      for (const frame of frames) {
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (/^event: message$/m.test(frame) && data) seqs.push((JSON.parse(data) as { message: { seq: number } }).message.seq);
      }
    });
    response.resume();
    const deadline = Date.now() + 30_000;
    while (seqs.length < MESSAGES && !ended && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(ended).toBe(false);
    expect(seqs.length).toBe(MESSAGES);
    expect(seqs).toEqual(Array.from({ length: MESSAGES }, (_, i) => i + 1));
  }, 60_000);
});
