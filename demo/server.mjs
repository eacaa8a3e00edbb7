// `npm start`: the chatq demo, with no setup.
//
//   chat server  http://127.0.0.1:PORT      front page, the inbox at /chatq/inbox/, handlers at /chatq, /chatq-reject, /chatq-accept
//   host site    http://127.0.0.1:PORT+1    a customer's shop (another origin) with a JWT-signing backend
//
// Flags / environment:
//   --port N            / PORT              chat server port (default 8080; 0 = any free port)
//   --host-port N       / HOST_PORT         host site port (default PORT+1)
//   --community FILE    / CHATQ_COMMUNITY   community file (default demo/community.json)
//   --data DIR          / CHATQ_DATA        the SQLite engine's folder (default ./.chatq/: chatq.db in it, created)
//   --memory                                run on the memory engine instead (lost on restart)
//   --redis URL         / CHATQ_REDIS_URL   run on the Redis engine instead
//   --workers N         / CHATQ_WORKERS     N node:cluster workers sharing the ports (needs --redis; default 1)
//   CHATQ_AGENT_TOKEN                       the agent API credential (default: random, printed)
import cluster from 'node:cluster';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { CommunityFileError, loadCommunity } from './lib/community.mjs';
import { createHostSite } from './lib/host-site.mjs';
import { createChatSite } from './lib/chat-site.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'host-port': { type: 'string' },
    community: { type: 'string' },
    redis: { type: 'string' },
    data: { type: 'string' },
    memory: { type: 'boolean' },
    workers: { type: 'string' },
  },
});

function port(value, name, fallback) {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`chatq demo: ${name} must be a port number 0–65535, got "${value}".`);
    process.exit(1);
  }
  return n;
}

const chatPort = port(values.port ?? process.env.PORT, '--port', 8080);
const hostPort = port(values['host-port'] ?? process.env.HOST_PORT, '--host-port', chatPort === 0 ? 0 : chatPort + 1);
const communityPath = values.community ?? process.env.CHATQ_COMMUNITY ?? fileURLToPath(new URL('./community.json', import.meta.url));
const redisUrl = values.redis ?? process.env.CHATQ_REDIS_URL;
const dataDir = values.data ?? process.env.CHATQ_DATA ?? '.chatq';
if ([values.memory, redisUrl, values.data].filter(Boolean).length > 1) {
  console.error('chatq demo: choose one engine: --data DIR (SQLite, the default), --memory, or --redis URL.');
  process.exit(1);
}
/** The engine this process runs on (SPEC §12 "The embedded default"). */
const engineKind = redisUrl ? 'redis' : values.memory ? 'memory' : 'sqlite';
const workers = Number(values.workers ?? process.env.CHATQ_WORKERS ?? 1);
if (!Number.isInteger(workers) || workers < 1 || workers > 16) {
  console.error(`chatq demo: --workers must be a number from 1 to 16, got "${values.workers ?? process.env.CHATQ_WORKERS}".`);
  process.exit(1);
}
if (process.env.CHATQ_AGENT_TOKEN && process.env.CHATQ_AGENT_TOKEN.length < 32) {
  console.error('chatq demo: CHATQ_AGENT_TOKEN must be at least 32 characters (e.g. `openssl rand -base64 32`).');
  process.exit(1);
}
if (workers > 1 && !redisUrl) {
  console.error('chatq demo: --workers needs --redis: one process owns a SQLite file, and workers on the memory engine would not see each other\'s conversations.');
  process.exit(1);
}

if (workers > 1 && cluster.isPrimary) {
  // The primary only shares what every worker must agree on (the agent token, the demo RSA key) and
  // keeps the workers running; the workers share the two ports (node:cluster) and one Redis.
  const shared = {
    CHATQ_AGENT_TOKEN: process.env.CHATQ_AGENT_TOKEN || randomBytes(24).toString('base64url'),
    CHATQ_DEMO_RSA_KEY: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    CHATQ_DEMO_TOKEN_MADE_UP: process.env.CHATQ_AGENT_TOKEN ? '' : '1',
    CHATQ_DEMO_WORKER_BANNER: '',
  };
  let stopping = false;
  const fork = (banner) => {
    const worker = cluster.fork({ ...shared, CHATQ_DEMO_WORKER_BANNER: banner ? '1' : '' });
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      console.error(`chatq demo: worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
      fork(false);
    });
  };
  for (let i = 0; i < workers; i++) fork(i === 0);
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} else {
  await runServers();
}

async function runServers() {
let community;
try {
  community = loadCommunity(communityPath, { rsaPrivateKeyPem: process.env.CHATQ_DEMO_RSA_KEY });
} catch (error) {
  if (!(error instanceof CommunityFileError)) throw error;
  console.error(`chatq demo: ${error.message}`);
  process.exit(1);
}

const loaderPath = fileURLToPath(new URL('../dist/loader.js', import.meta.url));
const loaderScript = readFileSync(loaderPath, 'utf8');
const agentTokenFromEnv = process.env.CHATQ_AGENT_TOKEN;
const agentToken = agentTokenFromEnv || randomBytes(24).toString('base64url');
const modes = Object.fromEntries(community.mounts.map((m) => [m.base, m.mode]));

const listen = (server, wanted) =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(wanted, '127.0.0.1', () => resolve(server.address().port));
  });

let actualChatPort = chatPort;
const host = createHostSite({ signingKeys: community.signingKeys, chatPort: () => actualChatPort, modes });
let actualHostPort;
try {
  actualHostPort = await listen(host, hostPort);
} catch (error) {
  console.error(`chatq demo: cannot listen on 127.0.0.1:${hostPort} for the host site (${error.code}). Use --host-port.`);
  process.exit(1);
}
const hostOrigins = [`http://127.0.0.1:${actualHostPort}`, `http://localhost:${actualHostPort}`];
const engine = await openEngine();
const chat = createChatSite({
  engine,
  mounts: community.mounts,
  hostOrigins,
  hostUrl: () => hostOrigins[0],
  agentToken,
  loaderScript,
  shownConfig: community.shown,
});
try {
  actualChatPort = await listen(chat.server, chatPort);
} catch (error) {
  console.error(`chatq demo: cannot listen on 127.0.0.1:${chatPort} for the chat server (${error.code}). Use --port.`);
  process.exit(1);
}

const chatOrigin = `http://127.0.0.1:${actualChatPort}`;
const quiet = cluster.isWorker && !process.env.CHATQ_DEMO_WORKER_BANNER;
const line = (label, url, note = '') => `  ${label.padEnd(12)} ${url.padEnd(32)} ${note}`.trimEnd();
if (!quiet) console.log(
  [
    'chatq demo',
    line('front page', `${chatOrigin}/`, 'start here'),
    line('host site', `${hostOrigins[0]}/`, "(another origin: the customer's shop)"),
    line('inbox', `${chatOrigin}/chatq/inbox/`, '(sign in with the agent token below)'),
    line('community', communityPath, `(${community.mounts.map((m) => `${m.base}: ${m.mode}`).join(', ')})`),
    line('engine', engineLabel(), cluster.isWorker ? `(${workers} workers)` : ''),
  ].join('\n'),
);
if (!quiet && community.mounts.some((m) => m.mode === 'accept')) {
  console.log("  note         /chatq-accept runs the deprecated 'accept' mode on purpose, to show it (hence the warning above).");
}
// The agent credential is the demo's own; printed only when made up here, to sign in to the inbox (or curl the agent API).
const tokenMadeUp = !agentTokenFromEnv || process.env.CHATQ_DEMO_TOKEN_MADE_UP === '1';
if (!quiet) {
  if (tokenMadeUp) console.log(`  agent token  ${agentToken}   (random; set CHATQ_AGENT_TOKEN to choose it)`);
  else console.log('  agent token  from CHATQ_AGENT_TOKEN');
  console.log('Ctrl+C to stop.');
}

function shutdown() {
  // SPEC §8: drain first (new requests get 503 + Retry-After, streams end so widgets reconnect elsewhere).
  chat.drain();
  host.close();
  chat.server.close();
  setTimeout(() => {
    host.closeAllConnections();
    chat.server.closeAllConnections();
    chat
      .close()
      .then(() => engine?.close())
      .finally(() => process.exit(0));
  }, 200).unref();
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
}

/**
 * The engine of --data / --memory / --redis. Each is imported only when chosen:
 * the Redis engine needs its client installed. A SQLite file another process
 * holds stops the demo with the engine's own words (one process per file).
 */
async function openEngine() {
  if (engineKind === 'redis') return (await import('../dist/redis.js')).createRedisEngine({ url: redisUrl }, { keyPrefix: 'chatq-demo:' });
  if (engineKind === 'memory') return undefined;
  const { createSqliteEngine } = await import('../dist/sqlite.js');
  try {
    mkdirSync(dataDir, { recursive: true });
    return createSqliteEngine({ path: join(dataDir, 'chatq.db') });
  } catch (error) {
    console.error(`chatq demo: ${error.message}`);
    process.exit(1);
  }
}

function engineLabel() {
  if (engineKind === 'redis') return `redis (${redactUrl(redisUrl)})`;
  if (engineKind === 'memory') return 'memory (lost on restart)';
  return `sqlite (${join(dataDir, 'chatq.db')})`;
}

/** redis://user:password@host → redis://host: the banner never prints a password. */
function redactUrl(url) {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.href;
  } catch {
    return 'redis';
  }
}
