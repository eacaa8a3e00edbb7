/**
 * The ceiling of bench/relay.mjs: a bare node:http relay (a forked child)
 * with Redis pub/sub between its processes, through ioredis (the client the
 * chatq engine uses). Nothing is stored and nobody is verified beyond one
 * bearer-token comparison:
 *
 *   GET  /stream/{id}   SSE; while any stream of {id} is open here, this process
 *                       is subscribed to the channel `bare:{id}` (so only the
 *                       processes that hold it receive its messages)
 *   POST /publish/{id}  JSON { body }: PUBLISH bare:{id}, answer 201
 *
 *   node bench/relay/bare-instance.mjs <redis url>
 */
import { createServer } from 'node:http';
import Redis from 'ioredis';
import { exitWithParent, LOOPBACK } from './procs.mjs';
import { AGENT } from './wire.mjs';

const redisUrl = process.argv[2];
const publisher = new Redis(redisUrl);
const subscriber = new Redis(redisUrl);
/** Conversation id → its open responses in this process. */
const streams = new Map();
const MAX_BODY = 16_384;
const SSE_HEADERS = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' };

subscriber.on('message', (channel, message) => {
  const open = streams.get(channel.slice(5));
  if (!open) return;
  const frame = `event: message\ndata: ${message}\n\n`;
  for (const res of open) res.write(frame);
});

function openStream(id, req, res) {
  res.writeHead(200, SSE_HEADERS);
  res.write(': open\n\n');
  let open = streams.get(id);
  if (!open) {
    streams.set(id, (open = new Set()));
    void subscriber.subscribe(`bare:${id}`);
  }
  open.add(res);
  const heartbeat = setInterval(() => res.write(': hb\n\n'), 20_000);
  req.socket.setNoDelay(true);
  res.once('close', () => {
    clearInterval(heartbeat);
    open.delete(res);
    if (open.size === 0 && streams.get(id) === open) {
      streams.delete(id);
      void subscriber.unsubscribe(`bare:${id}`);
    }
  });
}

function publish(id, req, res) {
  const answer = (status, body) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.headers.authorization !== `Bearer ${AGENT.token}`) return answer(401, { code: 'ERR_UNAUTHORIZED' });
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
  });
  req.on('end', () => {
    let input;
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      input = undefined;
    }
    if (size > MAX_BODY || typeof input?.body !== 'string') return answer(400, { code: 'ERR_BAD_REQUEST' });
    publisher.publish(`bare:${id}`, JSON.stringify({ message: { conversationId: id, body: input.body } })).then(
      () => answer(201, { ok: true }),
      () => answer(503, { code: 'ERR_UNAVAILABLE' }),
    );
  });
}

const http = createServer((req, res) => {
  const [, route, id] = /^\/(stream|publish)\/([^/?]+)/.exec(req.url) ?? [];
  if (route === 'stream' && req.method === 'GET') return openStream(decodeURIComponent(id), req, res);
  if (route === 'publish' && req.method === 'POST') return publish(decodeURIComponent(id), req, res);
  res.writeHead(404).end();
});
http.keepAliveTimeout = 60_000;
await Promise.all([publisher.ping(), subscriber.ping()]);
await new Promise((resolve) => http.listen(0, LOOPBACK, resolve));
exitWithParent();
process.send({ port: http.address().port, pid: process.pid });
