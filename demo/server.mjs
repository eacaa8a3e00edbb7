// `npm start`: the chatq demo, with no setup.
//
//   chat server  http://127.0.0.1:PORT      front page, agent view, handlers at /chatq, /chatq-reject, /chatq-accept
//   host site    http://127.0.0.1:PORT+1    a customer's shop (another origin) with a JWT-signing backend
//
// Flags / environment:
//   --port N            / PORT              chat server port (default 8080; 0 = any free port)
//   --host-port N       / HOST_PORT         host site port (default PORT+1)
//   --community FILE    / CHATQ_COMMUNITY   community file (default demo/community.json)
//   CHATQ_AGENT_TOKEN                       the agent API credential (default: random, printed)
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { CommunityFileError, loadCommunity } from './lib/community.mjs';
import { createHostSite } from './lib/host-site.mjs';
import { createChatSite } from './lib/chat-site.mjs';

const { values } = parseArgs({
  options: { port: { type: 'string' }, 'host-port': { type: 'string' }, community: { type: 'string' } },
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

let community;
try {
  community = loadCommunity(communityPath);
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
const chat = createChatSite({
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
const line = (label, url, note = '') => `  ${label.padEnd(12)} ${url.padEnd(32)} ${note}`.trimEnd();
console.log(
  [
    'chatq demo',
    line('front page', `${chatOrigin}/`, 'start here'),
    line('host site', `${hostOrigins[0]}/`, "(another origin: the customer's shop)"),
    line('agent view', `${chatOrigin}/agent`),
    line('community', communityPath, `(${community.mounts.map((m) => `${m.base}: ${m.mode}`).join(', ')})`),
  ].join('\n'),
);
if (community.mounts.some((m) => m.mode === 'accept')) {
  console.log("  note         /chatq-accept runs the deprecated 'accept' mode on purpose, to show it (hence the warning above).");
}
// The agent credential is the demo's own; printed only when made up here, so curl can use the agent API.
if (!agentTokenFromEnv) console.log(`  agent token  ${agentToken}   (random; set CHATQ_AGENT_TOKEN to choose it)`);
else console.log('  agent token  from CHATQ_AGENT_TOKEN');
console.log('Ctrl+C to stop.');

function shutdown() {
  host.closeAllConnections();
  chat.server.closeAllConnections();
  host.close();
  chat.server.close();
  chat.close().finally(() => process.exit(0));
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
