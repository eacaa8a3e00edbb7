/**
 * Self-tests of the real-server harness (issue 8, "Tests with real parts"):
 * test/helpers/redis.ts and test/helpers/nginx.ts start Debian's redis-server
 * and nginx for real, on free 127.0.0.1 ports in temp dirs, and these tests
 * check that what they hand out is what production would talk to. No skips:
 * without the binaries these fail, naming `apt-get install -y redis-server nginx`.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import Redis from 'ioredis';
import { findBinary, portAccepts, redisCommand, startRedis, startRedisCluster } from '../../helpers/redis.js';
import { startNginx } from '../../helpers/nginx.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const timings = process.env.CHATQ_HARNESS_TIMINGS ? console.info : () => {};
async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  timings(`[harness] ${label}: ${Math.round(performance.now() - started)} ms`);
  return result;
}

/** Whether we could listen on 127.0.0.1:port ourselves right now. */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createTcpServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('binaries', () => {
  it('a missing binary is an error naming the Debian package, not a skip', () => {
    expect(() => findBinary('chatq-no-such-server', 'redis-server')).toThrow(/apt-get install -y redis-server nginx/);
    expect(findBinary('redis-server', 'redis-server')).toMatch(/redis-server$/);
    expect(findBinary('redis-cli', 'redis-tools')).toMatch(/redis-cli$/);
    expect(findBinary('nginx', 'nginx')).toMatch(/nginx$/);
  });
});

describe('startRedis', () => {
  it('starts a fresh redis on a free loopback port that answers PING and SET/GET through ioredis', async () => {
    const redis = await timed('redis start', () => startRedis());
    cleanups.push(() => redis.stop());
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await redisCommand(redis.port, ['PING'])).toBe('PONG');

    const client = new Redis(redis.url);
    cleanups.push(() => client.disconnect());
    await client.set('chatq:harness', 'hello');
    expect(await client.get('chatq:harness')).toBe('hello');
    // Bound to 127.0.0.1 only, no RDB snapshots, the process we started.
    expect(await client.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
    expect(await client.config('GET', 'save')).toEqual(['save', '']);
    expect(await client.info('server')).toContain(`process_id:${redis.pid}`);
    client.disconnect();

    await redis.stop();
    expect(await portAccepts(redis.port)).toBe(false);
    expect(existsSync(redis.dir)).toBe(false);
  });

  it('with appendonly + appendfsync always, a key survives a restart and a crash (SIGKILL) on the same port and dir', async () => {
    const redis = await startRedis({ appendonly: true, appendfsync: 'always' });
    cleanups.push(() => redis.stop());
    const write = new Redis(redis.url);
    await write.set('kept', 'v1');
    expect(await write.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
    write.disconnect();

    const firstPid = redis.pid;
    await timed('redis restart (SIGTERM + start)', () => redis.restart());
    expect(redis.pid).not.toBe(firstPid);
    expect(await redisCommand(redis.port, ['GET', 'kept'])).toBe('v1');

    // A crash: nothing flushed on the way out; appendfsync always already did.
    expect(await redisCommand(redis.port, ['SET', 'kept', 'v2'])).toBe('OK');
    await redis.kill();
    expect(await portAccepts(redis.port)).toBe(false);
    await redis.restart();
    const read = new Redis(redis.url);
    cleanups.push(() => read.disconnect());
    expect(await read.get('kept')).toBe('v2');
    expect(await redis.log()).toMatch(/DB loaded from append only file|Ready to accept connections/);
  });

  it('kill() leaves the port free', async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    await redis.kill();
    expect(await portAccepts(redis.port)).toBe(false);
    expect(await canBind(redis.port)).toBe(true);
    await redis.stop(); // after a kill: only cleans up
    expect(existsSync(redis.dir)).toBe(false);
  });

  it('passes extra config through args', async () => {
    const redis = await startRedis({ args: ['--maxmemory', '10mb'] });
    cleanups.push(() => redis.stop());
    expect(await redisCommand(redis.port, ['CONFIG', 'GET', 'maxmemory'])).toEqual(['maxmemory', String(10 * 1024 * 1024)]);
  });
});

describe('startRedisCluster', () => {
  it('creates a 3-master cluster that ioredis Cluster can SET/GET across slots on every node', async () => {
    const cluster = await timed('redis cluster (3 starts + create + ok)', () => startRedisCluster());
    cleanups.push(() => cluster.stop());
    expect(cluster.nodes).toHaveLength(3);
    expect(new Set(cluster.nodes.map((n) => n.port)).size).toBe(3);
    for (const node of cluster.nodes) {
      expect(node.host).toBe('127.0.0.1');
      expect(String(await redisCommand(node.port, ['CLUSTER', 'INFO']))).toContain('cluster_state:ok');
    }

    const client = new Redis.Cluster(cluster.nodes);
    cleanups.push(() => client.disconnect());
    const keys = Array.from({ length: 30 }, (_, i) => `chatq:k${i}`);
    for (const key of keys) await client.set(key, `v:${key}`);
    for (const key of keys) expect(await client.get(key)).toBe(`v:${key}`);
    // The keys really are spread: every master holds some of them.
    const sizes = await Promise.all(cluster.nodes.map((n) => redisCommand(n.port, ['DBSIZE'])));
    for (const size of sizes) expect(size).toBeGreaterThan(0);
    expect(sizes.reduce((a, b) => Number(a) + Number(b), 0)).toBe(keys.length);
    client.disconnect();

    await cluster.stop();
    for (const node of cluster.nodes) expect(await portAccepts(node.port)).toBe(false);
    for (const server of cluster.servers) expect(existsSync(server.dir)).toBe(false);
  }, 30_000);
});

// ----------------------------------------------------------------------- nginx

interface Upstream {
  port: number;
  server: Server;
  /** How many /stream responses are still open (their first event written, the rest never sent). */
  openStreams(): number;
  kill(): Promise<void>;
}

async function upstream(name: string): Promise<Upstream> {
  let open = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/echo') {
      let size = 0;
      req.on('data', (chunk: Buffer) => (size += chunk.length));
      req.on('end', () => res.end(JSON.stringify({ name, size, xff: req.headers['x-forwarded-for'], host: req.headers.host })));
      return;
    }
    if (req.url === '/stream') {
      // Like the product's SSE: it asks nginx not to buffer, and the first event must
      // arrive while the response is still open. It stays open until the client goes:
      // a buffering proxy would hold the event until the test times out.
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-accel-buffering': 'no' });
      res.write('data: first\n\n');
      open += 1;
      res.on('close', () => (open -= 1));
      return;
    }
    res.end(name);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const kill = async (): Promise<void> => {
    if (!server.listening) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return { port: (server.address() as AddressInfo).port, server, openStreams: () => open, kill };
}

describe('startNginx', () => {
  it('round-robins over the upstreams and fails over when one is killed', async () => {
    const a = await upstream('a');
    const b = await upstream('b');
    cleanups.push(() => a.kill(), () => b.kill());
    const nginx = await timed('nginx start', () => startNginx({ upstreams: [a.port, b.port] }));
    cleanups.push(() => nginx.stop());
    expect(nginx.url).toBe(`http://127.0.0.1:${nginx.port}`);

    const names: string[] = [];
    for (let i = 0; i < 6; i++) names.push(await (await fetch(nginx.url)).text());
    expect(new Set(names)).toEqual(new Set(['a', 'b']));
    for (let i = 1; i < names.length; i++) expect(names[i]).not.toBe(names[i - 1]);

    await a.kill();
    for (let i = 0; i < 6; i++) {
      const res = await fetch(nginx.url);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('b');
    }
    expect(await nginx.errorLog()).toMatch(/Connection refused/);

    await nginx.stop();
    expect(await portAccepts(nginx.port)).toBe(false);
    expect(existsSync(nginx.dir)).toBe(false);
  });

  it('passes large request bodies (spooled to client_body_temp_path) and X-Forwarded-For, as root too', async () => {
    const a = await upstream('a');
    cleanups.push(() => a.kill());
    const nginx = await startNginx({ upstreams: [a.port] });
    cleanups.push(() => nginx.stop());
    const body = new Uint8Array(200_000); // over client_body_buffer_size: nginx writes it to a temp file
    const res = await fetch(`${nginx.url}/echo`, { method: 'POST', body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'a', size: body.length, xff: '127.0.0.1', host: `127.0.0.1:${nginx.port}` });
  });

  it('keeps default buffering, which X-Accel-Buffering: no turns off per response', async () => {
    const a = await upstream('a');
    cleanups.push(() => a.kill());
    const nginx = await startNginx({ upstreams: [a.port] });
    cleanups.push(() => nginx.stop());
    const res = await fetch(`${nginx.url}/stream`);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('data: first');
    expect(a.openStreams()).toBe(1);
    await reader.cancel();
  });

  it('accepts extra location config', async () => {
    const a = await upstream('a');
    cleanups.push(() => a.kill());
    const nginx = await startNginx({ upstreams: [a.port], extraLocationConfig: 'add_header X-Harness yes always;' });
    cleanups.push(() => nginx.stop());
    const res = await fetch(nginx.url);
    expect(res.headers.get('x-harness')).toBe('yes');
    expect(await res.text()).toBe('a');
  });
});
