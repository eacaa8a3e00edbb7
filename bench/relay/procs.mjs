/**
 * Children and temp dirs of bench/relay.mjs, removed however the run ends:
 * on stop, at process exit, on SIGINT/SIGTERM/SIGHUP, and (for detached
 * servers such as nginx) by a shell watchdog should this process be SIGKILLed.
 * Forked node children exit by themselves when their IPC channel closes.
 */
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LOOPBACK = '127.0.0.1';
const groups = new Set();
const children = new Set();
const dirs = new Set();

function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

function cleanupNow() {
  for (const pid of groups) killGroup(pid);
  groups.clear();
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

const HOOKS = Symbol.for('chatq.bench.relay.procs.hooks');
if (!globalThis[HOOKS]) {
  globalThis[HOOKS] = true;
  process.on('exit', cleanupNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    const onSignal = () => {
      cleanupNow();
      process.removeListener(signal, onSignal);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

export function removeDir(dir) {
  dirs.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

/** Spawns `bin` in its own process group; a watchdog kills the group and removes `dir` if this process dies. */
export function spawnDetached(bin, args, dir) {
  const child = spawn(bin, args, { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk) => (output = (output + chunk).slice(-8192));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.once('error', () => {});
  groups.add(child.pid);
  const script = 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; kill -9 "-$2" 2>/dev/null; rm -rf "$3"';
  const dog = spawn('/bin/sh', ['-c', script, 'chatq-relay-watchdog', String(process.pid), String(child.pid), dir], { detached: true, stdio: 'ignore' });
  dog.on('error', () => {});
  dog.unref();
  const stop = async () => {
    child.kill('SIGTERM');
    const timer = setTimeout(() => killGroup(child.pid), 3000);
    await exited;
    clearTimeout(timer);
    killGroup(child.pid);
    killGroup(dog.pid);
    groups.delete(child.pid);
  };
  return { child, exited, output: () => output, stop };
}

/** Forks a node module; resolves once it sends its first message (its `ready` report). */
export async function forkReady(module, args, options = {}) {
  const child = fork(module, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], ...options });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const ready = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${module} exited (${code}) before it was ready`)));
  });
  /** Sends `message`; resolves to the child's next message. */
  const ask = (message) =>
    new Promise((resolve, reject) => {
      const onExit = (code) => reject(new Error(`${module} exited (${code})`));
      child.once('message', (answer) => {
        child.removeListener('exit', onExit);
        resolve(answer);
      });
      child.once('exit', onExit);
      child.send(message);
    });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
  };
  return { child, ready, ask, stop };
}

/** In a forked child: exit when the parent goes (its IPC channel closes), whatever killed it. */
export function exitWithParent() {
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function portAccepts(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: LOOPBACK, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
