// A chatq instance in its own process, for the restart tests (restart.test.ts): the built handler
// (dist/) with webhooks on a durable engine, served on 127.0.0.1 and a free port, printing
// `listening <port>` once it takes requests. Its log lines go to stderr.
//   node instance.mjs redis <redis url> <key prefix> <webhook url> <secret>
//   node instance.mjs sqlite <file> - <webhook url> <secret>
import { createServer } from 'node:http';
import { createMessagingHandler } from '../../../dist/server.js';
import { toNodeListener } from '../../../dist/node.js';

const [kind, where, prefix, url, secret] = process.argv.slice(2);

async function engineOf() {
  if (kind === 'redis') return (await import('../../../dist/redis.js')).createRedisEngine({ url: where }, { keyPrefix: prefix });
  if (kind === 'sqlite') return (await import('../../../dist/sqlite.js')).createSqliteEngine({ path: where });
  throw new Error(`unknown engine ${kind}`);
}

// Every visitor is a browser visitor (automated uuid): the tests are about events, not identity.
const verifier = {
  policy: { mode: 'accept', minTokenLifetime: 0, clockTolerance: 0 },
  async verify(input) {
    const uuid = typeof input.automatedUuid === 'string' ? input.automatedUuid : crypto.randomUUID();
    return { uuid, uuidSource: 'automated', signed: false, fields: {}, customFields: {}, extraValues: {}, warnings: [] };
  },
};

const handler = createMessagingHandler({
  verifier,
  allowedOrigins: ['https://shop.test'],
  agentToken: 'agent-secret-token-0123456789-abcdef',
  community: 'shop',
  engine: await engineOf(),
  webhooks: [{ url, secret }],
  logger: { warn: (line) => console.error(line) },
});
const server = createServer(toNodeListener(handler));
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
