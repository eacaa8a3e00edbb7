// The backend of the single-page app: chatq and the token endpoint (Vite proxies /chatq and /api here).
import http from 'node:http';
import { createMessagingHandler, createVerifier, defineCommunity } from 'chatq/server';
import { toNodeListener } from 'chatq/node';
import { signIdentity } from 'chatq/sign';

const secret = process.env.CHATQ_HS256_SECRET;
const chatq = toNodeListener(createMessagingHandler({
  verifier: createVerifier(defineCommunity({ signedIdentities: 'require', jwtKeys: [{ id: 'site_2026', secret }] })),
  allowedOrigins: [process.env.PUBLIC_ORIGIN ?? 'http://localhost:5173'],
  basePath: '/chatq',
  agentToken: process.env.CHATQ_AGENT_TOKEN,
}));

http.createServer(async (req, res) => {
  if (req.url !== '/api/chatq-token') return chatq(req, res);
  // Your login decides who the visitor is; a `user` cookie stands in for it here.
  const user = /(?:^|;\s*)user=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1];
  const jwt = user && (await signIdentity({ uuid: user }, { kid: 'site_2026', secret, lifetime: '2h' }));
  res.writeHead(user ? 200 : 401, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(user ? { jwt } : { error: 'not signed in' }));
}).listen(Number(process.env.PORT ?? 3001));
