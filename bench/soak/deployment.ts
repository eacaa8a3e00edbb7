/**
 * What one soak scenario runs on, all on 127.0.0.1 and all fresh: ONE real
 * redis-server (AOF, `appendfsync always`: a 2xx means stored, SPEC §8), two
 * chatq instances as child processes (bench/soak/instance.mjs: dist/server.js
 * on dist/redis.js), instance B reaching Redis through a TCP proxy the soak
 * can cut, nginx round-robin in front, and the host site the browser
 * visitors load the widget from.
 *
 * The instances are supervised like an orchestrator would: an instance that
 * exits on its own is counted (with its exit code) and started again on the
 * same port, at most MAX_RESTARTS times.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  freePort,
  hardKill,
  makeTempDir,
  removeTempDir,
  sleep,
  spawnTracked,
  startRedis,
  stopProcess,
  type RedisInstance,
  type Spawned,
} from '../../test/helpers/redis.js';
import { startSoakNginx, type SoakNginx } from './nginx.js';
import { startCutProxy, type CutProxy } from './proxy.js';

const INSTANCE = fileURLToPath(new URL('./instance.mjs', import.meta.url));
const READY_TIMEOUT_MS = 20_000;
const MAX_RESTARTS = 50;
const RESTART_DELAY_MS = 250;
export const BASE_PATH = '/chatq';

export interface Crash {
  instance: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The uncaught error's first line (or the last lines the process printed). */
  tail: string;
}

export interface SupervisedInstance {
  name: string;
  port: number;
  /** The current process id (changes on restart). */
  pid(): number;
  stop(): Promise<void>;
}

export interface Deployment {
  redis: RedisInstance;
  proxy: CutProxy;
  nginx: SoakNginx;
  instances: [SupervisedInstance, SupervisedInstance];
  /** `{nginx}/chatq`: what every visitor and the agent talk to. */
  base: string;
  agentToken: string;
  hostPageUrl: string;
  crashes: Crash[];
  stop(): Promise<void>;
}

/** The line that names the uncaught error (`EngineError: ERR_CAPACITY …`), else the last lines. */
function firstErrorLine(output: string): string {
  const lines = output.trim().split('\n');
  return lines.find((l) => /^\w*Error\b|^\[\w*Error|Unhandled|uncaught/i.test(l.trim())) ?? lines.slice(-3).join(' / ');
}

function waitReady(proc: Spawned, port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  return (async () => {
    while (!proc.output().includes(`ready ${port}`)) {
      if (!proc.isRunning()) throw new Error(`instance on ${port} exited before ready:\n${proc.output()}`);
      if (Date.now() > deadline) {
        await hardKill(proc);
        throw new Error(`instance on ${port} not ready within ${READY_TIMEOUT_MS} ms:\n${proc.output()}`);
      }
      await sleep(25);
    }
  })();
}

async function supervise(name: string, redisUrl: string, configFile: string, dir: string, crashes: Crash[]): Promise<SupervisedInstance> {
  const port = await freePort();
  let stopping = false;
  let restarts = 0;
  let current: Spawned;
  const start = async (): Promise<void> => {
    const proc = await spawnTracked(process.execPath, [INSTANCE, String(port), redisUrl, configFile], dir, 'nodejs');
    current = proc;
    void proc.exited.then(async ({ code, signal }) => {
      if (stopping) return;
      crashes.push({ instance: name, code, signal, tail: firstErrorLine(proc.output()) });
      if (++restarts > MAX_RESTARTS) return;
      await sleep(RESTART_DELAY_MS);
      if (!stopping) await start().catch(() => {});
    });
    await waitReady(proc, port);
  };
  await start();
  return {
    name,
    port,
    pid: () => current.child.pid ?? -1,
    async stop() {
      stopping = true;
      await stopProcess(current, 'SIGTERM', 4_000);
    },
  };
}

function hostPage(loaderUrl: string): string {
  // The classic asynchronous snippet (the README's), pointing at nginx.
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Soak shop</title></head>
<body><main><h1>Soak shop</h1></main><script>var _chatq = window._chatq || [];
(function () { var s = document.createElement('script'); s.async = true; s.referrerPolicy = 'origin';
s.src = ${JSON.stringify(loaderUrl)}; document.body.appendChild(s); })();</script></body></html>`;
}

async function startHost(): Promise<{ server: Server; origin: string; route(body: string): void }> {
  let page = '';
  const server = createServer((req, res) => {
    if ((req.url ?? '').startsWith('/shop.html')) res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { server, origin, route: (body) => (page = body) };
}

export async function deploy(): Promise<Deployment> {
  const stops: (() => Promise<unknown>)[] = [];
  const crashes: Crash[] = [];
  try {
    const redis = await startRedis({
      appendonly: true,
      appendfsync: 'always',
      args: ['--enable-debug-command', 'local', '--maxmemory-policy', 'noeviction'],
    });
    stops.push(() => redis.stop());
    const proxy = await startCutProxy(redis.port);
    stops.push(() => proxy.close());
    const host = await startHost();
    stops.push(() => new Promise<void>((resolve) => {
      host.server.closeAllConnections();
      host.server.close(() => resolve());
    }));
    const dir = await makeTempDir('chatq-soak-instances-');
    stops.push(() => removeTempDir(dir));
    const agentToken = randomBytes(24).toString('base64url');
    const configFile = join(dir, 'config.json');
    const config = { agentToken, origin: host.origin, community: { signedIdentities: 'reject' } };
    await writeFile(configFile, JSON.stringify(config), { mode: 0o600 });
    const a = await supervise('A', redis.url, configFile, dir, crashes);
    stops.push(() => a.stop());
    const b = await supervise('B', `redis://127.0.0.1:${proxy.port}`, configFile, dir, crashes);
    stops.push(() => b.stop());
    const nginx = await startSoakNginx([a.port, b.port]);
    stops.push(() => nginx.stop());
    const base = `${nginx.url}${BASE_PATH}`;
    host.route(hostPage(`${base}/loader.js`));
    return {
      redis,
      proxy,
      nginx,
      instances: [a, b],
      base,
      agentToken,
      hostPageUrl: `${host.origin}/shop.html`,
      crashes,
      async stop() {
        for (const stop of stops.splice(0).reverse()) await stop().catch(() => {});
      },
    };
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    throw err;
  }
}
