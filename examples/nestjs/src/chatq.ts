// chatq's handler, made once for the app.
import { createMessagingHandler, createVerifier, defineCommunity } from 'chatq/server';

export const secret = process.env.CHATQ_HS256_SECRET!;
export const handler = createMessagingHandler({
  verifier: createVerifier(defineCommunity({ signedIdentities: 'require', jwtKeys: [{ id: 'site_2026', secret }] })),
  allowedOrigins: [process.env.PUBLIC_ORIGIN ?? 'http://localhost:3000'],
  basePath: '/chatq',
  agentToken: process.env.CHATQ_AGENT_TOKEN,
});
