/**
 * SPEC §13: `npm pack` gives a working package. The tarball, packed from a
 * fresh copy of the checkout (its `prepare` builds dist/), is installed with
 * `npm install ./chatq-x.y.z.tgz` into a new project (its dependencies come
 * from the registry), and that project uses it as an integrator would:
 * chatq/server over node:http, a token from chatq/sign, a signed-in visitor
 * who sends a message the agent reads back, and the `chatq` bin.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npmEnv, packTarball } from './pack.js';

const run = promisify(execFile);
let project: string;
let tarball: string;

/** The installed package in use: prints one JSON line of what it saw. */
const APP = `
import http from 'node:http';
import { createRequire } from 'node:module';
import { createMessagingHandler, createVerifier, defineCommunity } from 'chatq/server';
import { toNodeListener } from 'chatq/node';
import { signIdentity } from 'chatq/sign';

const secret = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const agentToken = 'package-agent-token-0123456789-abcdefgh';
const origin = 'https://shop.test';
const handler = createMessagingHandler({
  verifier: createVerifier(defineCommunity({ signedIdentities: 'require', jwtKeys: [{ id: 'site_2026', secret }] })),
  allowedOrigins: [origin],
  basePath: '/chatq',
  agentToken,
});
const server = http.createServer(toNodeListener(handler));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const chat = 'http://127.0.0.1:' + server.address().port + '/chatq';

const loader = await fetch(chat + '/loader.js');
const jwt = await signIdentity({ uuid: 'user-42', email: 'ada@example.com' }, { kid: 'site_2026', secret, lifetime: '2h' });
const json = { 'Content-Type': 'application/json', Origin: origin };
const signedIn = await (await fetch(chat + '/v1/identity', { method: 'POST', headers: json, body: JSON.stringify({ jwt }) })).json();
const sent = await fetch(chat + '/v1/messages', {
  method: 'POST',
  headers: { ...json, Authorization: 'Bearer ' + signedIn.session },
  body: JSON.stringify({ clientId: 'cid_first', body: 'Hello from the tarball' }),
});
const history = await (await fetch(chat + '/agent/v1/conversations/' + encodeURIComponent(signedIn.conversationId) + '/messages', {
  headers: { Authorization: 'Bearer ' + agentToken },
})).json();
const required = createRequire(import.meta.url)('chatq/server');
console.log(JSON.stringify({
  loader: loader.status,
  loaderBytes: (await loader.text()).length,
  identity: signedIn.identity,
  sent: sent.status,
  agentReads: history.messages.map((message) => message.body),
  requireWorks: typeof required.createMessagingHandler,
}));
handler.close();
server.close();
`;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'chatq-installed-'));
  tarball = await packTarball(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }));
  await run('npm', ['install', tarball], { cwd: project, env: npmEnv, timeout: 240_000 });
}, 600_000);
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('the packed tarball, installed into a fresh project', () => {
  it('holds the built dist/ (prepare ran) and installs with its dependencies from the registry', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = stdout.split('\n');
    expect(files).toEqual(expect.arrayContaining(['package/dist/server.js', 'package/dist/client.js', 'package/dist/loader.js', 'package/dist/sign.js', 'package/dist/cli.js', 'package/dist/types/server/index.d.ts']));
    expect(files.length).toBeGreaterThan(20);
  });

  it('serves the widget, signs in a visitor with a chatq/sign token and takes a message the agent reads back', async () => {
    writeFileSync(join(project, 'app.mjs'), APP);
    const { stdout } = await run(process.execPath, ['app.mjs'], { cwd: project, timeout: 30_000 });
    const seen = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(seen).toMatchObject({
      loader: 200,
      identity: { uuid: 'user-42', signed: true, kid: 'site_2026' },
      sent: 201,
      agentReads: ['Hello from the tarball'],
      requireWorks: 'function',
    });
    expect(seen.loaderBytes).toBeGreaterThan(1000);
  }, 60_000);

  it('runs `npx chatq --help` from the installed bin', async () => {
    const { stdout } = await run('npx', ['--no-install', 'chatq', '--help'], { cwd: project, env: npmEnv, timeout: 30_000 });
    expect(stdout).toMatch(/keygen/);
    expect(stdout).toMatch(/explain/);
  }, 60_000);
});
