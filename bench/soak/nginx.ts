/**
 * The soak's nginx: bench/soak/nginx.conf filled in for a temp dir, a free
 * 127.0.0.1 port and the two instances, on the plumbing of the tests' helpers
 * (tracked child process, free-port retry, temp dir removed at exit). Its
 * access log (`status method uri upstream upstream_status`) is where the soak
 * counts the 502s nginx itself answered.
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  findBinary,
  hardKill,
  launchOnFreePort,
  makeTempDir,
  portAccepts,
  PortInUse,
  removeTempDir,
  sleep,
  spawnTracked,
  stopProcess,
  type Spawned,
} from '../../test/helpers/redis.js';

const TEMPLATE = fileURLToPath(new URL('./nginx.conf', import.meta.url));
const READY_TIMEOUT_MS = 10_000;

export interface SoakNginx {
  url: string;
  /** Lines of the access log: `status method uri upstream upstream_status`. */
  accessLog(): Promise<string[]>;
  stop(): Promise<void>;
}

async function launch(bin: string, dir: string, port: number, upstreams: number[]): Promise<Spawned> {
  const template = await readFile(TEMPLATE, 'utf8');
  const conf = template
    .replaceAll('@DIR@', dir)
    .replaceAll('@PORT@', String(port))
    .replace('@UPSTREAMS@', upstreams.map((p) => `    server 127.0.0.1:${p};`).join('\n'));
  await writeFile(join(dir, 'nginx.conf'), conf);
  const proc = await spawnTracked(bin, ['-c', join(dir, 'nginx.conf'), '-p', `${dir}/`, '-e', join(dir, 'error.log')], dir, 'nginx');
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (!proc.isRunning()) {
      const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '');
      if (/address already in use/i.test(log)) throw new PortInUse(`port ${port} is taken`);
      throw new Error(`nginx exited before listening:\n${log}\n${proc.output()}`);
    }
    if (Date.now() > deadline) {
      await hardKill(proc);
      throw new Error(`nginx did not listen on ${port} within ${READY_TIMEOUT_MS} ms`);
    }
    const pid = (await readFile(join(dir, 'nginx.pid'), 'utf8').catch(() => '')).trim();
    if (pid === String(proc.child.pid) && (await portAccepts(port))) return proc;
    await sleep(20);
  }
}

export async function startSoakNginx(upstreams: number[]): Promise<SoakNginx> {
  const bin = findBinary('nginx', 'nginx');
  const dir = await makeTempDir('chatq-soak-nginx-');
  // Workers run as `nobody` when started as root: they must reach the temp paths.
  await chmod(dir, 0o755);
  const { port, started } = await launchOnFreePort(dir, (p) => launch(bin, dir, p, upstreams));
  return {
    url: `http://127.0.0.1:${port}`,
    async accessLog() {
      return (await readFile(join(dir, 'access.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
    },
    async stop() {
      await stopProcess(started, 'SIGTERM', 5_000);
      await removeTempDir(dir);
    },
  };
}
