// Fastify 5: chatq under /chatq, the token endpoint and the page beside it.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { createMessagingHandler, createVerifier, defineCommunity } from 'chatq/server';
import { toNodeListener } from 'chatq/node';
import { signIdentity } from 'chatq/sign';

const secret = process.env.CHATQ_HS256_SECRET;
const handler = createMessagingHandler({
  verifier: createVerifier(defineCommunity({ signedIdentities: 'require', jwtKeys: [{ id: 'site_2026', secret }] })),
  allowedOrigins: [process.env.PUBLIC_ORIGIN ?? 'http://localhost:3000'],
  basePath: '/chatq',
  agentToken: process.env.CHATQ_AGENT_TOKEN,
});

const app = Fastify();
const listener = toNodeListener(handler);
app.all('/chatq/*', (req, reply) => {
  reply.hijack();
  req.raw.body = req.body; // Fastify's parser read the body: hand it over
  listener(req.raw, reply.raw);
});

// Your login decides who the visitor is; a `user` cookie stands in for it here.
app.get('/api/chatq-token', async (req, reply) => {
  const user = /(?:^|;\s*)user=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1];
  if (!user) return reply.code(401).send({ error: 'not signed in' });
  const jwt = await signIdentity({ uuid: user }, { kid: 'site_2026', secret, lifetime: '2h' });
  return reply.header('Cache-Control', 'no-store').send({ jwt });
});

const page = readFileSync(new URL('./public/index.html', import.meta.url), 'utf8');
app.get('/', (req, reply) => reply.type('text/html').send(page));

await app.listen({ port: Number(process.env.PORT ?? 3000) });
