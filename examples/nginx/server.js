// One instance behind nginx (chatq.conf): state on Redis, the client address from nginx's X-Real-IP.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { createMessagingHandler, createVerifier, defineCommunity } from 'chatq/server';
import { toNodeListener } from 'chatq/node';
import { createRedisEngine } from 'chatq/redis';
import { signIdentity } from 'chatq/sign';

const secret = process.env.CHATQ_HS256_SECRET;
const engine = createRedisEngine({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
const handler = createMessagingHandler({
  verifier: createVerifier(defineCommunity({ signedIdentities: 'require', jwtKeys: [{ id: 'site_2026', secret }] })),
  allowedOrigins: [process.env.PUBLIC_ORIGIN ?? 'http://localhost:8080'],
  basePath: '/chatq',
  agentToken: process.env.CHATQ_AGENT_TOKEN,
  engine,
  // Instances listen on 127.0.0.1 only, so every request came through nginx, which sets this header.
  clientAddress: (request) => request.headers.get('x-real-ip') ?? undefined,
});
const chatq = toNodeListener(handler);
const page = readFileSync(new URL('./public/index.html', import.meta.url), 'utf8');

const server = http.createServer(async (req, res) => {
  if (req.url.startsWith('/chatq/')) return chatq(req, res);
  if (req.url === '/api/chatq-token') {
    // Your login decides who the visitor is; a `user` cookie stands in for it here.
    const user = /(?:^|;\s*)user=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1];
    const jwt = user && (await signIdentity({ uuid: user }, { kid: 'site_2026', secret, lifetime: '2h' }));
    res.writeHead(user ? 200 : 401, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    return res.end(JSON.stringify(user ? { jwt } : { error: 'not signed in' }));
  }
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
});
server.listen(Number(process.env.PORT ?? 3001), '127.0.0.1');

process.once('SIGTERM', () => {
  handler.drain(); // open streams end with a retry hint: widgets reconnect to the other instance
  server.close(() => engine.close());
  setTimeout(() => server.closeAllConnections(), 1000).unref();
});
