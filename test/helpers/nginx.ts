/**
 * Real nginx for tests (issue 8, "Tests with real parts"): Debian's nginx as a
 * reverse proxy in front of chat server instances on 127.0.0.1, with nginx's
 * DEFAULT buffering (the product must work through it: it sends
 * `X-Accel-Buffering: no` itself), round-robin over the upstreams, and
 * `proxy_next_upstream error timeout` so a killed instance fails over.
 *
 *   const nginx = await startNginx({ upstreams: [a.port, b.port] });
 *   await fetch(`${nginx.url}/chat/…`);
 *   await nginx.stop();
 *
 * Each call writes its own nginx.conf into a fresh temp dir that also holds
 * the pid file, the error log and every temp path, so it runs as root without
 * touching /var or /run, and never reuses a running nginx.
 */
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  LOOPBACK,
  fileTail,
  findBinary,
  hardKill,
  launchOnFreePort,
  PortInUse,
  makeTempDir,
  portAccepts,
  removeTempDir,
  sleep,
  spawnTracked,
  stopProcess,
  type Spawned,
} from './redis.js';

export interface NginxOptions {
  /** Ports on 127.0.0.1 of the upstream servers, round-robin, in this order. */
  upstreams: number[];
  /** More directives inside `location /`, after the proxy settings. */
  extraLocationConfig?: string;
  /** More directives inside `server {}` (other locations…). */
  extraServerConfig?: string;
}

export interface NginxInstance {
  port: number;
  /** `http://127.0.0.1:P` */
  url: string;
  /** The temp dir: nginx.conf, error.log, nginx.pid, *_temp. */
  dir: string;
  /** The master process id. */
  pid: number;
  /** The tail of error.log (level `warn`: upstream failures show up there). */
  errorLog(lines?: number): Promise<string>;
  /** SIGTERM (fast shutdown), wait, SIGKILL to the whole group after 5 s; then the temp dir is deleted. Idempotent. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;


/** The whole nginx.conf. Exported so a test can show what it ran against. */
export function nginxConfig(dir: string, port: number, options: NginxOptions): string {
  const servers = options.upstreams.map((p) => `    server ${LOOPBACK}:${p};`).join('\n');
  return `# written by test/helpers/nginx.ts
daemon off;
master_process on;
worker_processes 1;
error_log ${join(dir, 'error.log')} warn;
pid ${join(dir, 'nginx.pid')};

events {
  worker_connections 1024;
}

http {
  access_log off;
  client_body_temp_path ${join(dir, 'client_body_temp')};
  proxy_temp_path ${join(dir, 'proxy_temp')};
  fastcgi_temp_path ${join(dir, 'fastcgi_temp')};
  uwsgi_temp_path ${join(dir, 'uwsgi_temp')};
  scgi_temp_path ${join(dir, 'scgi_temp')};

  upstream chatq_upstream {
${servers}
  }

  server {
    listen ${LOOPBACK}:${port};

    location / {
      proxy_pass http://chatq_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_read_timeout 60s;
      proxy_next_upstream error timeout;
${options.extraLocationConfig ?? ''}
    }
${options.extraServerConfig ?? ''}
  }
}
`;
}

async function launch(bin: string, dir: string, port: number): Promise<Spawned> {
  const conf = join(dir, 'nginx.conf');
  const errorLog = join(dir, 'error.log');
  const pidFile = join(dir, 'nginx.pid');
  const logStart = (await stat(errorLog).catch(() => undefined))?.size ?? 0;
  // -p: prefix for relative paths; -e: the error log used before nginx.conf is read
  // (Debian's build defaults to stderr, but other builds open /var/log/nginx/error.log).
  const args = ['-c', conf, '-p', `${dir}/`, '-e', errorLog];
  const proc = await spawnTracked(bin, args, dir, 'nginx');
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const describe = async (what: string): Promise<string> =>
    `nginx on 127.0.0.1:${port} ${what}.\ncommand: ${bin} ${args.join(' ')}\n` +
    `--- ${errorLog} (tail) ---\n${await fileTail(errorLog)}\n--- stdout/stderr ---\n${proc.output().trim()}`;
  for (;;) {
    if (!proc.isRunning()) {
      const { code, signal } = await proc.exited;
      const log = await readFile(errorLog).catch(() => Buffer.alloc(0));
      const text = log.subarray(logStart).toString('utf8') + proc.output();
      if (/address already in use/i.test(text)) throw new PortInUse(`port ${port} is taken`);
      throw new Error(await describe(`exited (code ${code}, signal ${signal}) before accepting connections`));
    }
    if (Date.now() > deadline) {
      await hardKill(proc);
      throw new Error(await describe(`did not accept connections within ${READY_TIMEOUT_MS / 1000} s`));
    }
    // The pid file is written after the listening socket is bound: once it names our
    // master, the port is ours (not someone else's who grabbed it meanwhile).
    const pid = (await readFile(pidFile, 'utf8').catch(() => '')).trim();
    if (pid === String(proc.child.pid) && (await portAccepts(port))) return proc;
    await sleep(20);
  }
}

/**
 * A fresh nginx reverse proxy on a free 127.0.0.1 port in front of
 * `upstreams`; resolves once it accepts connections, fails with the error log
 * tail if it does not within 10 s.
 */
export async function startNginx(options: NginxOptions): Promise<NginxInstance> {
  if (options.upstreams.length === 0) throw new Error('startNginx: at least one upstream port is needed');
  const bin = findBinary('nginx', 'nginx');
  const dir = await makeTempDir('chatq-nginx-');
  // mkdtemp makes the dir 0700. Started as root, nginx runs its workers as `nobody`,
  // which then cannot reach the temp paths inside it: every request body over
  // client_body_buffer_size (16k) and every response spooled to disk would fail
  // with "open() … failed (13: Permission denied)" and a 500.
  await chmod(dir, 0o755);
  const { port, started: running } = await launchOnFreePort(dir, async (port) => {
    await writeFile(join(dir, 'nginx.conf'), nginxConfig(dir, port, options));
    return launch(bin, dir, port);
  });
  let stopped = false;
  return {
    port,
    url: `http://${LOOPBACK}:${port}`,
    dir,
    pid: running.child.pid ?? -1,
    errorLog: (lines = 30) => fileTail(join(dir, 'error.log'), lines),
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopProcess(running, 'SIGTERM', 5_000);
      await removeTempDir(dir);
    },
  };
}
