// A real chat server on the SQLite engine, for sqlite-crash.test.ts: the built
// package (dist/), node:http on a free 127.0.0.1 port, every rate limit off.
//   node sqlite-server.mjs <database file>
// Prints `listening <port>` once it serves; on a refused file prints the
// error's code and message to stderr and exits 1.
import { createServer } from 'node:http';
import { createMessagingHandler, createVerifier, defineCommunity } from '../../../dist/server.js';
import { toNodeListener } from '../../../dist/node.js';
import { createSqliteEngine } from '../../../dist/sqlite.js';

let engine;
try {
  engine = createSqliteEngine({ path: process.argv[2] });
} catch (error) {
  console.error(`${error.code}: ${error.message}`);
  process.exit(1);
}
const handler = createMessagingHandler({
  verifier: createVerifier(defineCommunity({ signedIdentities: 'reject', jwtKeys: [] })),
  allowedOrigins: ['https://shop.test'],
  engine,
  limits: {
    messagesPerMinutePerSession: Infinity,
    messagesPerMinutePerConversation: Infinity,
    messagesPerMinutePerAddress: Infinity,
    registrationsPerMinutePerAddress: Infinity,
    registrationsPerMinutePerSession: Infinity,
  },
  logger: { warn() {} },
});
const server = createServer(toNodeListener(handler));
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
