/**
 * ONE chatq instance of the fault soak, as its own process: the built handler
 * (dist/server.js) on the Redis engine (dist/redis.js) behind node:http, as an
 * integrator deploys it. Nothing here catches what the product does not: an
 * unhandled rejection ends the process with Node's default (exit code 1), and
 * the soak counts it as a crash.
 *
 *   node bench/soak/instance.mjs <port> <redis-url> <config.json>
 *
 * The config file (written 0600 by the runner, secrets kept off the command
 * line): `{ "agentToken": "…", "origin": "http://127.0.0.1:H", "community": {…} }`.
 * Prints `ready <port>` once listening; exits 3 when the port is taken.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createMessagingHandler, createVerifier, defineCommunity } from '../../dist/server.js';
import { toNodeListener } from '../../dist/node.js';
import { createRedisEngine } from '../../dist/redis.js';

const [portArg, redisUrl, configFile] = process.argv.slice(2);
const port = Number(portArg);
const { agentToken, origin, community } = JSON.parse(readFileSync(configFile, 'utf8'));
const LIFTED = 1_000_000;

const engine = createRedisEngine({ url: redisUrl }, { keyPrefix: 'chatq-soak:' });
const handler = createMessagingHandler({
  verifier: createVerifier(defineCommunity(community)),
  allowedOrigins: [origin],
  basePath: '/chatq',
  engine,
  agentToken,
  loaderScript: readFileSync(new URL('../../dist/loader.js', import.meta.url), 'utf8'),
  // Every visitor reaches the instances from 127.0.0.1 through nginx: the per-address
  // limits would measure the soak, not the faults. Per-session limits stay at their defaults.
  limits: {
    registrationsPerMinutePerAddress: LIFTED,
    policyRequestsPerMinutePerAddress: LIFTED,
    messagesPerMinutePerAddress: LIFTED,
    maxStreamsPerAddress: LIFTED,
  },
});
const server = createServer(toNodeListener(handler));
server.once('error', (error) => {
  if (error.code === 'EADDRINUSE') process.exit(3);
  throw error;
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`ready ${port}\n`));
process.once('SIGTERM', () => {
  handler.drain();
  server.close(() => void engine.close().finally(() => process.exit(0)));
  setTimeout(() => process.exit(0), 3_000).unref();
});
