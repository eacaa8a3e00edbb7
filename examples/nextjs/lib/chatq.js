// chatq's handler, made at the first request: secrets are read at run time, never during `next build`.
import { createMessagingHandler, createVerifier, defineCommunity } from 'chatq/server';

let handler;

export function chatq() {
  handler ??= createMessagingHandler({
    verifier: createVerifier(defineCommunity({
      signedIdentities: 'require',
      jwtKeys: [{ id: 'site_2026', secret: process.env.CHATQ_HS256_SECRET }],
    })),
    allowedOrigins: [process.env.PUBLIC_ORIGIN ?? 'http://localhost:3000'],
    basePath: '/chatq',
    agentToken: process.env.CHATQ_AGENT_TOKEN,
    // X-Real-IP as your proxy sets it (nginx: proxy_set_header X-Real-IP $remote_addr; Vercel sets it too).
    // Never x-forwarded-for: `next start` keeps whatever the client sent there.
    clientAddress: (request) => request.headers.get('x-real-ip') ?? undefined,
  });
  return handler;
}
