/**
 * One nginx (Debian's) in front of both stacks of bench/relay.mjs, on a free
 * 127.0.0.1 port, in a temp dir that holds its config, pid file, log and
 * temp paths: `/chatq/…` round-robins over the chatq instances, `/bare/…`
 * over the bare relays, the prefix stripped. The same proxy settings for
 * both: HTTP/1.1 with keep-alive to the upstreams, buffering off (SSE).
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, LOOPBACK, portAccepts, removeDir, spawnDetached, tempDir } from './procs.mjs';

const READY_TIMEOUT_MS = 10_000;
/** Debian puts it in /usr/sbin, which a non-root PATH may lack. */
const NGINX = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';

function location(prefix, upstream) {
  return `    location /${prefix}/ {
      proxy_pass http://${upstream}/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_buffering off;
      proxy_read_timeout 120s;
    }`;
}

function upstream(name, ports) {
  return `  upstream ${name} {\n${ports.map((p) => `    server ${LOOPBACK}:${p};`).join('\n')}\n    keepalive 128;\n  }`;
}

function config(dir, port, groups) {
  return `# written by bench/relay/nginx.mjs
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile 16384;
error_log ${join(dir, 'error.log')} warn;
pid ${join(dir, 'nginx.pid')};
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'client_body_temp')};
  proxy_temp_path ${join(dir, 'proxy_temp')};
  fastcgi_temp_path ${join(dir, 'fastcgi_temp')};
  uwsgi_temp_path ${join(dir, 'uwsgi_temp')};
  scgi_temp_path ${join(dir, 'scgi_temp')};
  keepalive_requests 1000000;
${Object.entries(groups).map(([name, ports]) => upstream(name, ports)).join('\n')}
  server {
    listen ${LOOPBACK}:${port};
${Object.keys(groups).map((name) => location(name, name)).join('\n')}
  }
}
`;
}

/** `groups`: { prefix: [upstream ports] }. Resolves to { url, pid, stop() }. */
export async function startNginx(groups) {
  const dir = tempDir('chatq-relay-nginx-');
  // Workers run as `nobody` when started as root: they must reach the temp paths.
  chmodSync(dir, 0o755);
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    writeFileSync(join(dir, 'nginx.conf'), config(dir, port, groups));
    const errorLog = join(dir, 'error.log');
    const proc = spawnDetached(NGINX, ['-c', join(dir, 'nginx.conf'), '-p', `${dir}/`, '-e', errorLog], dir);
    const stop = async () => {
      await proc.stop();
      removeDir(dir);
    };
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline && proc.child.exitCode === null) {
      let pid = '';
      try {
        pid = readFileSync(join(dir, 'nginx.pid'), 'utf8').trim();
      } catch {
        // not written yet
      }
      if (pid === String(proc.child.pid) && (await portAccepts(port))) return { url: `http://${LOOPBACK}:${port}`, pid: proc.child.pid, stop };
      await sleep(20);
    }
    let log = '';
    try {
      log = readFileSync(errorLog, 'utf8');
    } catch {
      // none
    }
    await proc.stop();
    if (!/address already in use/i.test(log + proc.output())) {
      removeDir(dir);
      throw new Error(`nginx did not start on port ${port}:\n${log}${proc.output()}`);
    }
  }
  removeDir(dir);
  throw new Error('nginx: no free port after 5 attempts');
}
