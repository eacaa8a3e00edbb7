/**
 * One chatq instance of bench/relay.mjs (a forked child): the built dist
 * (createMessagingHandler, createRedisEngine, toNodeListener) on a node:http
 * server on a free 127.0.0.1 port, the real HS256 verifier, one agent, every
 * rate limit off. Reports { port, pid } once listening.
 *
 *   node bench/relay/chatq-instance.mjs <dist dir> <redis url> <key prefix>
 */
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { AGENT, HS_KEY, ORIGIN, UNLIMITED } from './wire.mjs';
import { exitWithParent, LOOPBACK } from './procs.mjs';

const [dist, redisUrl, keyPrefix] = process.argv.slice(2);
const load = (name) => import(pathToFileURL(`${dist}/${name}.js`).href);
const [server, redis, node] = await Promise.all([load('server'), load('redis'), load('node')]);

const engine = redis.createRedisEngine({ url: redisUrl }, { keyPrefix });
const community = server.defineCommunity({ signedIdentities: 'require', jwtKeys: [HS_KEY], minTokenLifetime: 60 });
const handler = server.createMessagingHandler({
  verifier: server.createVerifier(community),
  allowedOrigins: [ORIGIN],
  agents: [AGENT],
  engine,
  limits: UNLIMITED,
  logger: { warn: (message) => console.error(`chatq instance ${process.pid}: ${message}`) },
});
const http = createServer(node.toNodeListener(handler));
http.keepAliveTimeout = 60_000;
await new Promise((resolve) => http.listen(0, LOOPBACK, resolve));
exitWithParent();
// A stop is SIGTERM: exit normally, so `node --cpu-prof` (NODE_OPTIONS) writes this instance's profile.
process.on('SIGTERM', () => process.exit(0));
process.send({ port: http.address().port, pid: process.pid });
