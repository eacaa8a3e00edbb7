// Koa 3: chatq under /chatq, the token endpoint and the page beside it.
import { readFileSync } from 'node:fs';
import Koa from 'koa';
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
const listener = toNodeListener(handler);
const page = readFileSync(new URL('./public/index.html', import.meta.url), 'utf8');

const app = new Koa();
app.use(async (ctx, next) => {
  if (!ctx.path.startsWith('/chatq/')) return next();
  ctx.respond = false; // chatq writes the Node response itself (streams too)
  await listener(ctx.req, ctx.res);
});

// Your login decides who the visitor is; a `user` cookie stands in for it here.
app.use(async (ctx, next) => {
  if (ctx.path !== '/api/chatq-token') return next();
  const user = ctx.cookies.get('user');
  if (!user) {
    ctx.status = 401;
    ctx.body = { error: 'not signed in' };
    return;
  }
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { jwt: await signIdentity({ uuid: user }, { kid: 'site_2026', secret, lifetime: '2h' }) };
});

app.use((ctx) => {
  if (ctx.path === '/') ctx.type = 'html', ctx.body = page;
});

app.listen(Number(process.env.PORT ?? 3000));
