/**
 * An example as a reader runs it: a copy of examples/NAME in a temp dir, the
 * packed chatq as chatq.tgz beside its package.json, `npm ci` from its lock,
 * then its own command, on a free loopback port.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, inject } from 'vitest';
import { npmEnv, root } from '../package/pack.js';

const run = promisify(execFile);
export const SECRET = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
export const AGENT_TOKEN = 'examples-agent-token-0123456789-abcdefgh';
const LEFT_OUT = new Set(['node_modules', '.next', 'dist', 'chatq.tgz', 'next-env.d.ts']);

export function exampleDir(name: string): string {
  return resolve(root, 'examples', name);
}

/** A temp copy of the example with its dependencies installed; `remove` deletes it. */
export async function installExample(name: string): Promise<{ dir: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), `chatq-example-${name}-`));
  cpSync(exampleDir(name), dir, { recursive: true, filter: (source) => !LEFT_OUT.has(basename(source)) });
  copyFileSync(inject('tarball'), join(dir, 'chatq.tgz'));
  await run('npm', ['ci'], { cwd: dir, env: npmEnv, timeout: 300_000, maxBuffer: 64 << 20 });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `npm run SCRIPT` in `dir` (a build step); its output on failure. */
export async function npmRun(dir: string, script: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout, stderr } = await run('npm', ['run', script], { cwd: dir, env: { ...npmEnv, ...env }, timeout: 300_000, maxBuffer: 64 << 20 });
  return stdout + stderr;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as { port: number };
  await new Promise((resolveClose) => server.close(resolveClose));
  return port;
}

export interface Running {
  base: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts `npm run SCRIPT` (its own process group) and waits until `ready` answers 200. */
export async function startExample(dir: string, script: string, options: { port?: number; env?: Record<string, string>; ready?: string } = {}): Promise<Running> {
  const port = options.port ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('npm', ['run', script], {
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...npmEnv, PORT: String(port), PUBLIC_ORIGIN: base, CHATQ_HS256_SECRET: SECRET, CHATQ_AGENT_TOKEN: AGENT_TOKEN, ...options.env },
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  };
  const ready = `${base}${options.ready ?? '/chatq/loader.js'}`;
  for (let attempt = 0; ; attempt++) {
    if (attempt === 1500) {
      await stop();
      throw new Error(`npm run ${script} never answered ${ready}:\n${output}`);
    }
    if (child.exitCode !== null) throw new Error(`npm run ${script} exited (${child.exitCode}):\n${output}`);
    const status = await fetch(ready, { signal: AbortSignal.timeout(5_000) }).then((response) => response.status, () => 0);
    if (status === 200) return { base, output: () => output, stop };
    await new Promise((wait) => setTimeout(wait, 200));
  }
}

/**
 * The common life of an example's test file: installed and started (after
 * `npm run build` when `build`) before its tests, stopped and removed after.
 * `base` is the running example's origin.
 */
export function useExample(name: string, options: { build?: boolean } = {}): { readonly base: string; readonly dir: string } {
  let example: Awaited<ReturnType<typeof installExample>> | undefined;
  let running: Running | undefined;
  beforeAll(async () => {
    example = await installExample(name);
    if (options.build) await npmRun(example.dir, 'build');
    running = await startExample(example.dir, 'start');
  });
  afterAll(async () => {
    await running?.stop();
    example?.remove();
  });
  return {
    get base() {
      return running!.base;
    },
    get dir() {
      return example!.dir;
    },
  };
}
