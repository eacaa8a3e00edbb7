/**
 * README "The server" and "Fitting your server" (SPEC §6 "Fitting the
 * integrator's server"): the snippets an integrator pastes are the ones
 * tested here, read out of README.md (see snippets.ts).
 *
 * Each snippet is written as NAME.ts into a fresh project in a temp dir whose
 * node_modules links to this checkout (`chatq`, as `npm link` makes, so the
 * exports map and the built dist/ resolve it) and to the devDependencies the
 * recipes use. Then:
 * - every snippet type-checks with this repo's TypeScript under `strict`: the
 *   Node ones as a Node ESM project (`module: nodenext`, @types/node), the Bun
 *   ones with @types/bun (`moduleResolution: bundler`), the Workers one as a
 *   bundled `nodejs_compat` Worker (@types/node; Hono's types cover
 *   `export default app`);
 * - the Node ones (node, express, fastify, fastify-middie, hono-node and its
 *   `// or:` alternative) run as they are, over real HTTP. Two things come
 *   from the test: the environment (CHATQ_HS256_SECRET, CHATQ_AGENT_TOKEN),
 *   and the address: a module preloaded with `node --import` makes whatever
 *   `listen()` a snippet calls listen on 127.0.0.1 at a port the OS picks, and
 *   prints that port. The snippet's text is never edited.
 * Bun and Workers snippets are type-checked only: neither runtime is on the
 * test machine.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowSeconds, signHS256 } from '../helpers/sign.js';
import { alternatives, type Snippet, snippets, typeScriptBlocksIn } from './snippets.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

/** What the snippets' environment variables hold in the test. */
const SECRET = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const AGENT_TOKEN = 'readme-agent-token-0123456789-abcdefgh';
const ORIGIN = 'https://www.example.com';

/** Which project checks each snippet; `run` ones also run on Node. */
const PLAN: Record<string, { project: 'node' | 'bun' | 'workers'; run?: true }> = {
  chatq: { project: 'node' },
  node: { project: 'node', run: true },
  express: { project: 'node', run: true },
  fastify: { project: 'node', run: true },
  'fastify-middie': { project: 'node', run: true },
  'hono-node': { project: 'node', run: true },
  bun: { project: 'bun' },
  'hono-bun': { project: 'bun' },
  'hono-workers': { project: 'workers' },
};

/** The projects' compiler options: strict, as integrators are told to compile. */
const PROJECTS = {
  node: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022'], types: ['node'], outDir: 'out' },
  bun: { module: 'preserve', moduleResolution: 'bundler', target: 'esnext', lib: ['esnext'], types: ['bun'], noEmit: true },
  workers: { module: 'es2022', moduleResolution: 'bundler', target: 'es2022', lib: ['es2022'], types: ['node'], noEmit: true },
};

/** Linked from this checkout's node_modules into the temp project. */
const LINKED = ['express', 'fastify', 'hono', '@fastify', '@hono', '@types'];

/** Preloaded: every listen() binds 127.0.0.1 at a port the OS picks, and prints it. */
const LISTEN_HERE = `
import net from 'node:net';
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const callback = typeof args.at(-1) === 'function' ? args.at(-1) : undefined;
  this.once('listening', () => console.log('listening on ' + this.address().port));
  return listen.call(this, 0, '127.0.0.1', callback);
};
`;

const all = snippets();
const byName = new Map(all.map((snippet) => [snippet.name, snippet]));
/** Each snippet with its alternatives, as files: NAME.ts. */
const files: (Snippet & { project: 'node' | 'bun' | 'workers'; run: boolean })[] = all.flatMap((snippet) => {
  const plan = PLAN[snippet.name];
  if (!plan) return [];
  return [snippet, ...alternatives(snippet)].map((file) => ({ ...file, project: plan.project, run: plan.run === true }));
});

let project: string;
const checks = new Map<string, Promise<string>>();
const children = new Set<ChildProcess>();

/** tsc over one project; its diagnostics ('' when clean). */
async function typeCheck(name: keyof typeof PROJECTS): Promise<string> {
  const compilerOptions = { ...PROJECTS[name], strict: true, skipLibCheck: true };
  const config = `tsconfig.${name}.json`;
  const names = files.filter((file) => file.project === name).map((file) => `${file.name}.ts`);
  writeFileSync(join(project, config), JSON.stringify({ compilerOptions, files: names }));
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    await run(process.execPath, [tsc, '-p', config], { cwd: project, timeout: 120_000 });
    return '';
  } catch (error) {
    const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
    return `${stdout ?? ''}${stderr ?? ''}` || message;
  }
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'chatq-readme-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'readme-app', private: true, type: 'module' }));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(root, join(project, 'node_modules', 'chatq'), 'dir');
  for (const name of LINKED) symlinkSync(join(root, 'node_modules', name), join(project, 'node_modules', name), 'dir');
  for (const file of files) writeFileSync(join(project, `${file.name}.ts`), file.code);
  writeFileSync(join(project, 'listen-here.mjs'), LISTEN_HERE);
  // The three projects are checked at once; each test awaits its own.
  for (const name of Object.keys(PROJECTS) as (keyof typeof PROJECTS)[]) checks.set(name, typeCheck(name));
});
afterAll(async () => {
  for (const child of children) await stop(child);
  await Promise.allSettled(checks.values());
  rmSync(project, { recursive: true, force: true });
}, 120_000);

describe('README: the server snippets are marked and read from the file', () => {
  it('finds every snippet the plan names, once, and no other', () => {
    expect(all.map((snippet) => snippet.name).sort()).toEqual(Object.keys(PLAN).sort());
  });

  it('every TypeScript block under "The server" is a marked snippet, so none goes untested', () => {
    const blocks = typeScriptBlocksIn('## The server');
    expect(blocks.length).toBeGreaterThanOrEqual(Object.keys(PLAN).length);
    expect(blocks.filter((block) => !block.marked)).toEqual([]);
  });

  it('hono-node offers app.all() as an alternative to app.mount(), and both are run', () => {
    expect(files.filter((file) => file.name.startsWith('hono-node')).map((file) => file.code.match(/^app\.(mount|all)\(/m)?.[1])).toEqual(['mount', 'all']);
  });

  it('the Express recipe mounts chatq behind express.json()', () => {
    const code = byName.get('express')!.code;
    expect(code.indexOf('app.use(express.json())')).toBeGreaterThan(-1);
    expect(code.indexOf('app.use(toNodeListener(handler))')).toBeGreaterThan(code.indexOf('app.use(express.json())'));
  });

  it('the Bun recipes keep connections open past the 20 s heartbeat (Bun closes idle ones after 10 s)', () => {
    for (const name of ['bun', 'hono-bun']) {
      const idle = /idleTimeout: (\d+)/.exec(byName.get(name)!.code);
      expect(Number(idle?.[1]), name).toBeGreaterThan(20);
    }
  });
});

describe('README snippets type-check under strict TypeScript', () => {
  it('Node (module nodenext, @types/node): chatq, node, express, fastify, fastify-middie, hono-node', async () => {
    expect(await checks.get('node')).toBe('');
  }, 120_000);

  it('Bun (@types/bun, moduleResolution bundler): bun, hono-bun', async () => {
    expect(await checks.get('bun')).toBe('');
  }, 120_000);

  it('Workers (bundled, nodejs_compat): hono-workers', async () => {
    expect(await checks.get('workers')).toBe('');
  }, 120_000);
});

/** Runs a compiled snippet on Node; resolves with its base URL once it listens. */
async function start(name: string, env: Record<string, string>): Promise<{ base: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', './listen-here.mjs', join('out', `${name}.js`)], {
    cwd: project,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  const port = await new Promise<string>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not listen within 20 s:\n${output}`)), 20_000);
    const read = (chunk: Buffer) => {
      output += chunk;
      const port = /listening on (\d+)/.exec(output)?.[1];
      if (port) {
        clearTimeout(timer);
        resolvePort(port);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it listened:\n${output}`));
    });
  });
  return { base: `http://127.0.0.1:${port}`, child };
}

/** Ends a snippet's process (only those this file started). */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
    child.kill('SIGTERM');
    await exited;
  }
  children.delete(child);
}

const within = () => AbortSignal.timeout(5_000);

/** The visitor's path and the agent's read of it, as the widget and an agent view make them. */
async function exchange(chat: string): Promise<void> {
  const loader = await fetch(`${chat}/loader.js`, { signal: within() });
  expect(loader.status).toBe(200);
  expect(loader.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
  expect((await loader.text()).length).toBeGreaterThan(1000);

  const policy = await fetch(`${chat}/v1/policy`, { headers: { Origin: ORIGIN }, signal: within() });
  expect(policy.status).toBe(200);
  expect(policy.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  expect((await policy.json()).policy.mode).toBe('require');

  // The browser's preflight before a JSON POST from the host page reaches chatq too.
  const preflight = await fetch(`${chat}/v1/identity`, {
    method: 'OPTIONS',
    headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    signal: within(),
  });
  expect(preflight.status).toBeLessThan(300);
  expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN);

  const uuid = `readme-${Date.now()}`;
  const jwt = signHS256({ uuid, email: 'ada@example.com', iat: nowSeconds(), exp: nowSeconds() + 7200 }, { kid: 'site_2026', secret: SECRET });
  const json = { 'Content-Type': 'application/json', Origin: ORIGIN };
  const registered = await fetch(`${chat}/v1/identity`, { method: 'POST', headers: json, body: JSON.stringify({ jwt }), signal: within() });
  const identity = await registered.json();
  expect(registered.status, JSON.stringify(identity)).toBe(200);
  expect(identity.identity).toMatchObject({ uuid, signed: true, kid: 'site_2026' });

  const text = `hello from ${uuid}`;
  const sent = await fetch(`${chat}/v1/messages`, {
    method: 'POST',
    headers: { ...json, Authorization: `Bearer ${identity.session}` },
    body: JSON.stringify({ clientId: `cid_${uuid}`, body: text }),
    signal: within(),
  });
  expect(sent.status, await sent.clone().text()).toBeGreaterThanOrEqual(200);
  expect(sent.status).toBeLessThan(300);
  expect((await sent.json()).message.body).toBe(text);

  // The body reached chatq whole, whatever parser ran before it: the agent reads it back.
  const history = await fetch(`${chat}/agent/v1/conversations/${encodeURIComponent(identity.conversationId)}/messages`, {
    headers: { Authorization: `Bearer ${AGENT_TOKEN}` },
    signal: within(),
  });
  expect(history.status).toBe(200);
  expect((await history.json()).messages.map((message: { body: string }) => message.body)).toEqual([text]);

  // The stream opens through the framework (headers only: the first heartbeat is 20 s away).
  const abort = new AbortController();
  const stream = await fetch(`${chat}/v1/stream`, { headers: { Authorization: `Bearer ${identity.session}`, Origin: ORIGIN }, signal: abort.signal });
  expect(stream.status).toBe(200);
  expect(stream.headers.get('content-type')).toBe('text/event-stream');
  abort.abort();

  // Logout, a DELETE without a body: the session is gone afterwards.
  const session = { Authorization: `Bearer ${identity.session}`, Origin: ORIGIN };
  const logout = await fetch(`${chat}/v1/session`, { method: 'DELETE', headers: session, signal: within() });
  expect(logout.status).toBe(204);
  expect((await fetch(`${chat}/v1/conversation`, { headers: session, signal: within() })).status).toBe(401);
}

describe('README Node snippets run as written, over real HTTP', () => {
  for (const file of files.filter((candidate) => candidate.run)) {
    it(`${file.name}: loader.js, policy, preflight, a signed identity, a message the agent reads back, a stream, logout`, async () => {
      expect(await checks.get('node')).toBe('');
      const { base, child } = await start(file.name, { CHATQ_HS256_SECRET: SECRET, CHATQ_AGENT_TOKEN: AGENT_TOKEN });
      try {
        await exchange(`${base}/chatq`);
      } finally {
        await stop(child);
      }
    }, 60_000);
  }

  it('without CHATQ_HS256_SECRET the server does not start: ERR_COMMUNITY_INVALID naming jwtKeys[0]', async () => {
    expect(await checks.get('node')).toBe('');
    const env: NodeJS.ProcessEnv = { ...process.env, CHATQ_AGENT_TOKEN: AGENT_TOKEN };
    delete env.CHATQ_HS256_SECRET;
    const failed = await run(process.execPath, ['--import', './listen-here.mjs', join('out', 'node.js')], { cwd: project, env, timeout: 20_000 }).then(
      () => undefined,
      (error: { code?: number; stdout: string; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).not.toMatch(/listening on/);
    expect(failed?.stderr).toMatch(/ERR_COMMUNITY_INVALID/);
    expect(failed?.stderr).toMatch(/^\s+- jwtKeys\[0\]/m);
  }, 60_000);
});
