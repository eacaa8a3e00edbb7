// Express 5 with express.json() and compression(), CommonJS.
const express = require('express');
const compression = require('compression');
const { createMessagingHandler, createVerifier, defineCommunity } = require('chatq/server');
const { toNodeListener } = require('chatq/node');
const { signIdentity } = require('chatq/sign');

const secret = process.env.CHATQ_HS256_SECRET;
const handler = createMessagingHandler({
  verifier: createVerifier(defineCommunity({ signedIdentities: 'require', jwtKeys: [{ id: 'site_2026', secret }] })),
  allowedOrigins: [process.env.PUBLIC_ORIGIN ?? 'http://localhost:3000'],
  basePath: '/chatq',
  agentToken: process.env.CHATQ_AGENT_TOKEN,
});

const app = express();
app.use(express.json());
app.use(compression()); // chatq's streams say no-transform, so compression lets them through
app.use(toNodeListener(handler));
app.use(express.static('public'));

// Your login decides who the visitor is; a `user` cookie stands in for it here.
app.get('/api/chatq-token', async (req, res) => {
  const user = /(?:^|;\s*)user=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1];
  if (!user) return res.status(401).json({ error: 'not signed in' });
  const jwt = await signIdentity({ uuid: user }, { kid: 'site_2026', secret, lifetime: '2h' });
  res.set('Cache-Control', 'no-store').json({ jwt });
});

app.listen(Number(process.env.PORT ?? 3000));
