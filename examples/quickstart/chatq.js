import { createMessagingHandler, createVerifier, defineCommunity } from 'chatq/server';
import { createSqliteEngine } from 'chatq/sqlite';

const community = defineCommunity({
  signedIdentities: 'require', // every visitor is someone your site signed in
  jwtKeys: [{ id: 'site_2026', secret: process.env.CHATQ_HS256_SECRET }],
});

export const handler = createMessagingHandler({
  verifier: createVerifier(community),
  allowedOrigins: [process.env.PUBLIC_ORIGIN ?? 'http://localhost:3000'], // the sites that embed the widget
  basePath: '/chatq',
  agentToken: process.env.CHATQ_AGENT_TOKEN, // the agent API: how you answer
  engine: createSqliteEngine({ path: 'chatq.db' }), // conversations survive a restart (node:sqlite)
});
