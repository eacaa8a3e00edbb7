/**
 * In-process A/B of two builds on the sign-in and message paths (issue 22
 * item 1): both builds' handlers behind toNodeListener on loopback in this
 * process, driven by a minimal keep-alive client (raw sockets, requests
 * written from prepared bytes), batch after batch, A and B alternating. The
 * figure is this process's CPU time (user + system) per answered request; the
 * client's share is the same for both builds, so the difference is the
 * servers'. A bare node:http hello-world runs in the same alternation as the
 * yardstick (its figure is node:http plus the client).
 *
 *   node bench/load/ab.mjs /tmp/dist-old/server.js dist/server.js   (after `npm run build`)
 *   AB_ONLY=messages AB_BATCH=20000 AB_ROUNDS=7 AB_CONNECTIONS=8 …
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { HS_KEY, ORIGIN, UNLIMITED } from '../load.mjs';

const [a = '/tmp/dist-old/server.js', b = new URL('../../dist/server.js', import.meta.url).pathname] = process.argv.slice(2);
const batch = Number(process.env.AB_BATCH ?? 15_000);
const rounds = Number(process.env.AB_ROUNDS ?? 7);
const connections = Number(process.env.AB_CONNECTIONS ?? 8);
const only = process.env.AB_ONLY?.split(',');

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
function signJwt(payload) {
  const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid: HS_KEY.id })}.${b64url(payload)}`;
  return `${input}.${createHmac('sha256', HS_KEY.secret).update(input).digest('base64url')}`;
}

function post(path, body, extra = '') {
  return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${ORIGIN}\r\nContent-Type: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

async function listen(listener) {
  const server = createServer(listener);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: server.address().port };
}

/** Sends `count` requests (`next(i)` gives each one's bytes) over `connections` keep-alive sockets; resolves to the statuses seen. */
function drive(port, count, next) {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = 0;
    const statuses = {};
    const sockets = [];
    const finish = () => {
      for (const socket of sockets) socket.destroy();
      resolve(statuses);
    };
    for (let c = 0; c < Math.min(connections, count); c++) {
      const socket = connect(port, '127.0.0.1');
      socket.setNoDelay(true);
      sockets.push(socket);
      let pending = '';
      socket.on('error', reject);
      socket.on('data', (chunk) => {
        pending += chunk.toString('latin1');
        for (;;) {
          const end = pending.indexOf('\r\n\r\n');
          if (end < 0) return;
          const length = Number(/\r\ncontent-length: *(\d+)/i.exec(pending.slice(0, end))?.[1] ?? 0);
          if (pending.length < end + 4 + length) return;
          const status = pending.slice(9, 12);
          statuses[status] = (statuses[status] ?? 0) + 1;
          pending = pending.slice(end + 4 + length);
          answered++;
          if (answered === count) return finish();
          if (sent < count) socket.write(next(sent++));
        }
      });
      socket.write(next(sent++));
    }
  });
}

async function setup(module) {
  if (module === 'hello') {
    return listen((_req, res) => {
      // A length, not chunked: the client reads answers by their Content-Length.
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '5' });
      res.end('hello');
    });
  }
  const chatq = await import(pathToFileURL(module).href);
  const { toNodeListener } = chatq.toNodeListener ? chatq : await import(pathToFileURL(module.replace(/server\.js$/, 'node.js')).href);
  const register = chatq.createMessagingHandler({
    verifier: chatq.createVerifier(chatq.defineCommunity({ signedIdentities: 'require', jwtKeys: [HS_KEY], minTokenLifetime: 60 })),
    allowedOrigins: [ORIGIN],
    limits: UNLIMITED,
  });
  const messages = chatq.createMessagingHandler({ verifier: chatq.createVerifier(chatq.defineCommunity({ signedIdentities: 'reject' })), allowedOrigins: [ORIGIN], limits: UNLIMITED });
  const r = await listen(toNodeListener(register));
  const m = await listen(toNodeListener(messages));
  const sessions = [];
  for (let i = 0; i < connections; i++) {
    const response = await fetch(`http://127.0.0.1:${m.port}/v1/identity`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ automatedUuid: randomBytes(18).toString('base64url') }),
    });
    sessions.push((await response.json()).session);
  }
  return { register: r, messages: m, sessions, close: () => (register.close(), messages.close(), r.server.close(), m.server.close()) };
}

const exp = Math.floor(Date.now() / 1000) + 3600;
const tokens = Array.from({ length: (only && !only.includes('register') ? 0 : batch * (rounds + 1) * 2) }, (_, i) => post('/v1/identity', JSON.stringify({ jwt: signJwt({ uuid: `ab-${i}`, exp, firstname: 'Bench' }) })));
let tokenAt = 0;
let messageAt = 0;

const builds = { A: await setup(a), B: await setup(b) };
const hello = await setup('hello');
const scenarios = {
  hello: () => drive(hello.port, batch, () => `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`),
  register: (build) => drive(build.register.port, batch, () => tokens[tokenAt++]),
  messages: (build) =>
    drive(build.messages.port, batch, (i) => {
      const n = messageAt++;
      return post('/v1/messages', JSON.stringify({ clientId: `ab_${n.toString(36).padStart(8, '0')}`, body: `message number ${n}` }), `Authorization: Bearer ${build.sessions[i % build.sessions.length]}\r\n`);
    }),
};

async function measure(run) {
  const before = process.cpuUsage();
  const statuses = await run();
  const spent = process.cpuUsage(before);
  const ok = Object.entries(statuses).every(([status]) => status.startsWith('2'));
  if (!ok) throw new Error(`non-2xx answers: ${JSON.stringify(statuses)}`);
  return (spent.user + spent.system) / batch;
}

const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
const results = { hello: [], 'register A': [], 'register B': [], 'messages A': [], 'messages B': [] };
// One warm-up batch each, not counted.
await scenarios.hello();
for (const name of ['register', 'messages']) if (!only || only.includes(name)) for (const build of Object.values(builds)) await scenarios[name](build);
for (let round = 0; round < rounds; round++) {
  results.hello.push(await measure(scenarios.hello));
  for (const name of ['register', 'messages']) {
    if (only && !only.includes(name)) continue;
    // The order within a round alternates, so neither build always runs second.
    const order = round % 2 ? ['B', 'A'] : ['A', 'B'];
    for (const key of order) results[`${name} ${key}`].push(await measure(() => scenarios[name](builds[key])));
  }
}
console.log(`A = ${a}\nB = ${b}\n${rounds} rounds × ${batch} requests, ${connections} connections; process CPU µs per request (server + client), median [min–max]; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const h = median(results.hello);
for (const [name, values] of Object.entries(results)) {
  if (values.length === 0) continue;
  console.log(`${name.padEnd(11)} ${median(values).toFixed(1).padStart(6)} [${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}]   × hello ${(h / median(values)).toFixed(2)}`);
}
for (const name of ['register', 'messages']) {
  const A = results[`${name} A`];
  const B = results[`${name} B`];
  if (A.length === 0) continue;
  // Paired per round: each round's B against the A measured beside it.
  const deltas = A.map((x, i) => B[i] - x);
  console.log(`${name}: B − A = ${median(deltas).toFixed(1)} µs/request (paired median; per round ${deltas.map((d) => d.toFixed(1)).join(' ')})`);
}
for (const build of Object.values(builds)) build.close();
hello.server.close();
