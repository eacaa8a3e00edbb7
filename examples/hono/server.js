// Hono on Node (@hono/node-server): chatq under /chatq, the token endpoint and the page beside it.
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { createMessagingHandler, createVerifier, defineCommunity } from 'chatq/server';
import { signIdentity } from 'chatq/sign';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';

const secret = process.env.CHATQ_HS256_SECRET;
const handler = createMessagingHandler({
  verifier: createVerifier(defineCommunity({ signedIdentities: 'require', jwtKeys: [{ id: 'site_2026', secret }] })),
  allowedOrigins: [process.env.PUBLIC_ORIGIN ?? 'http://localhost:3000'],
  basePath: '/chatq',
  agentToken: process.env.CHATQ_AGENT_TOKEN,
});

const app = new Hono();
app.all('/chatq/*', (c) => handler(c.req.raw, c.env)); // c.env carries the socket: per-address limits

// Your login decides who the visitor is; a `user` cookie stands in for it here.
app.get('/api/chatq-token', async (c) => {
  const user = getCookie(c, 'user');
  if (!user) return c.json({ error: 'not signed in' }, 401);
  const jwt = await signIdentity({ uuid: user }, { kid: 'site_2026', secret, lifetime: '2h' });
  c.header('Cache-Control', 'no-store');
  return c.json({ jwt });
});
app.use('/*', serveStatic({ root: './public' }));

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) });
