/**
 * A throwaway redis-server for the benchmarks (plain .mjs: test/helpers/redis.ts
 * is TypeScript). Every call starts its own `redis-server` on a free
 * 127.0.0.1 port with no persistence (or an fsynced append-only file), in a fresh temp dir, checks that what
 * answers PING is that very process (never a Redis that was already running),
 * and kills it again: on stop(), at process exit, on SIGINT/SIGTERM/SIGHUP,
 * and, should this process be SIGKILLed, from a tiny shell watchdog.
 *
 *   const redis = await startRedis();   // { url, port, pid, cpuMs(), stop() }
 */
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const LOOPBACK = '127.0.0.1';
const READY_TIMEOUT_MS = 10_000;

/** Process groups (detached children) and temp dirs to remove at exit. */
const liveGroups = new Set();
const liveDirs = new Set();

function cleanupNow() {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  liveGroups.clear();
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  liveDirs.clear();
}

const HOOKS = Symbol.for('chatq.bench.redisServer.hooks');
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

function findRedisServer() {
  const dirs = [...new Set([...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin', '/usr/sbin', '/usr/local/bin'])];
  for (const dir of dirs) {
    try {
      accessSync(join(dir, 'redis-server'), constants.X_OK);
      return join(dir, 'redis-server');
    } catch {
      // not here
    }
  }
  throw new Error('redis-server is not installed: `apt-get install -y redis-server` (the Debian package).');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** One inline command over a fresh socket; resolves to the raw reply text, rejects on connection problems. */
function rawCommand(port, command, timeoutMs = 500) {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: LOOPBACK, port });
    let reply = '';
    const fail = (error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error('timeout')));
    socket.once('error', fail);
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      // A bulk reply ($n\r\n…\r\n) or a one-line one.
      const bulk = /^\$(\d+)\r\n/.exec(reply);
      if ((bulk && reply.length >= bulk[0].length + Number(bulk[1]) + 2) || (!bulk && reply.endsWith('\r\n') && reply[0] !== '$')) {
        socket.destroy();
        resolve(reply);
      }
    });
  });
}

/** Kills `pid`'s process group and removes `dir` once this process is gone, even after a SIGKILL. */
function watchdog(pid, dir) {
  const script = 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; kill -9 "-$2" 2>/dev/null; rm -rf "$3"';
  try {
    const child = spawn('/bin/sh', ['-c', script, 'chatq-bench-watchdog', String(process.pid), String(pid), dir], { detached: true, stdio: 'ignore' });
    child.on('error', () => {});
    child.unref();
    return child;
  } catch {
    return undefined;
  }
}

let clockTicks;
/** Clock ticks per second of /proc/<pid>/stat. */
function ticksPerSecond() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU milliseconds (user + system) a process has used, from /proc (Linux); NaN elsewhere. */
export function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ": state is field 3, utime 14, stime 15 → indexes 11 and 12 here.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond();
  } catch {
    return NaN;
  }
}

/**
 * Starts a fresh redis-server (retrying on a port race); see the file comment.
 * `{ appendfsync: 'always' }`: with an append-only file fsynced on every write
 * (the durable setting, issue 22 "End to end"), in the same temp dir.
 */
export async function startRedis(options = {}) {
  const persistence = options.appendfsync ? ['--appendonly', 'yes', '--appendfsync', options.appendfsync] : ['--appendonly', 'no'];
  const bin = findRedisServer();
  let lastError;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'chatq-bench-redis-'));
    liveDirs.add(dir);
    const args = ['--port', String(port), '--bind', LOOPBACK, '--save', '', ...persistence, '--dir', dir, '--daemonize', 'no'];
    const child = spawn(bin, args, { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk) => {
      output = (output + chunk.toString('utf8')).slice(-16_384);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let running = true;
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      running = false;
      liveGroups.delete(child.pid);
      resolve({ code, signal });
    }));
    const spawnError = await new Promise((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', (error) => resolve(error));
    });
    if (spawnError) throw new Error(`could not start ${bin}: ${spawnError.message}`);
    liveGroups.add(child.pid);
    const dog = watchdog(child.pid, dir);
    child.unref();
    child.stdout.unref?.();
    child.stderr.unref?.();

    const stop = async () => {
      if (running) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // gone
          }
        }, 3_000);
        await exited;
        clearTimeout(timer);
      }
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is gone
      }
      if (dog?.pid) {
        try {
          process.kill(-dog.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      liveGroups.delete(child.pid);
      liveDirs.delete(dir);
      rmSync(dir, { recursive: true, force: true });
    };

    const deadline = Date.now() + READY_TIMEOUT_MS;
    let ready = false;
    lastError = undefined;
    while (running && Date.now() < deadline) {
      const pong = await rawCommand(port, 'PING').catch(() => '');
      if (pong.startsWith('+PONG')) {
        // Make sure the server that answers is ours, not one that won the port race.
        const info = await rawCommand(port, 'INFO server').catch(() => '');
        const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
        if (pid !== child.pid) {
          lastError = new Error(`port ${port}: another Redis (pid ${pid}) answers; not ours`);
          break;
        }
        ready = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (ready) {
      return { url: `redis://${LOOPBACK}:${port}`, port, pid: child.pid, cpuMs: () => processCpuMs(child.pid), stop };
    }
    await stop();
    lastError ??= new Error(`redis-server on port ${port} did not answer PING within ${READY_TIMEOUT_MS / 1000} s:\n${output}`);
    if (!/Address already in use/i.test(output) && !/another Redis/.test(lastError.message)) throw lastError;
  }
  throw lastError;
}
