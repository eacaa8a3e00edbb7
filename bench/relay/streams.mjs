/**
 * The visitors of bench/relay.mjs (a forked child): opens `count` SSE streams
 * through nginx to one stack, each on its own socket, and notes for every
 * `event: message` its send time (the body `t=<clockMs>`) and latency
 * (receive − send). For chatq each visitor first registers over HTTP with an
 * HS256 JWT and streams with its session credential (Authorization: Bearer,
 * as the widget's transport does); the bare relay's visitors name a
 * conversation `c<i>` themselves.
 *
 *   node bench/relay/streams.mjs <nginx url> <chatq|bare> <count>
 * IPC: → { ready, conversationIds }; ← { take: [from, to] } → { latencies: [ms…] }
 * (messages sent in [from, to); earlier ones are dropped).
 */
import { get } from 'node:http';
import { exitWithParent } from './procs.mjs';
import { clockMs, ORIGIN, signJwt, STACKS } from './wire.mjs';

const [base, stackName, countText] = process.argv.slice(2);
const stack = STACKS[stackName];
const root = `${base}/${stack.prefix}`;
const count = Number(countText);
/** [sentAt, latency] of every message received, in order of arrival. */
let seen = [];

function onBlock(block) {
  if (!block.includes('event: message')) return;
  const at = block.indexOf('data: ');
  const end = block.indexOf('\n', at);
  const data = block.slice(at + 6, end < 0 ? undefined : end);
  const sentAt = Number(JSON.parse(data).message.body.slice(2));
  seen.push([sentAt, clockMs() - sentAt]);
}

/** Opens one stream; resolves once its first bytes (`: open` or `retry:`) are in. */
function openStream(path, headers) {
  return new Promise((resolve, reject) => {
    const req = get(`${root}${path}`, { agent: false, headers: { Origin: ORIGIN, Accept: 'text/event-stream', ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new Error(`${stackName} stream ${path}: HTTP ${res.statusCode}`));
      }
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          onBlock(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        resolve();
      });
      res.on('end', () => console.error(`relay bench: a ${stackName} stream ended`));
    });
    req.on('error', reject);
  });
}

async function registerVisitor(i) {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const response = await fetch(`${root}/v1/identity`, {
    method: 'POST',
    headers: { Origin: ORIGIN, 'Content-Type': 'application/json' },
    body: JSON.stringify({ jwt: signJwt({ uuid: `relay-${process.pid}-${i}`, exp, firstname: 'Bench' }) }),
  });
  if (response.status !== 200) throw new Error(`register: HTTP ${response.status} ${await response.text()}`);
  const { session, conversationId } = await response.json();
  return { session, conversationId };
}

/** Opens stream i: for chatq registers first. Resolves to its conversation id. */
async function visitor(i) {
  if (stackName === 'bare') {
    const id = `c${i}`;
    await openStream(stack.stream(id), {});
    return id;
  }
  const { session, conversationId } = await registerVisitor(i);
  await openStream(stack.stream(conversationId), { Authorization: `Bearer ${session}` });
  return conversationId;
}

const conversationIds = [];
for (let i = 0; i < count; i += 16) {
  conversationIds.push(...(await Promise.all(Array.from({ length: Math.min(16, count - i) }, (_, k) => visitor(i + k)))));
}
exitWithParent();
process.on('message', (message) => {
  if (!message.take) return;
  const [from, to] = message.take;
  const latencies = [];
  const later = [];
  for (const entry of seen) {
    if (entry[0] >= to) later.push(entry);
    else if (entry[0] >= from) latencies.push(entry[1]);
  }
  seen = later;
  process.send({ latencies });
});
process.send({ ready: true, conversationIds });
