/**
 * examples/nginx: the shipped chatq.conf (only its three ports replaced by
 * free ones) in a real nginx, in front of two instances of server.js on one
 * real redis-server. A first answered chat through nginx, then one that
 * crosses instances: the visitor streams from one while the agent replies
 * through the other, and the reply arrives.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinary, portAccepts, type Spawned, sleep, spawnTracked, startRedis, stopProcess, type RedisInstance } from '../helpers/redis.js';
import { firstChat } from './chat.js';
import { AGENT_TOKEN, exampleDir, freePort, installExample, type Running, startExample } from './example.js';

let example: Awaited<ReturnType<typeof installExample>>;
let redis: RedisInstance;
let nginx: Spawned;
let nginxDir: string;
const instances: Running[] = [];
let front: string;

/** chatq.conf as shipped, its listen port and upstream ports replaced. */
function shippedConfig(listen: number, upstreams: [number, number]): string {
  const shipped = readFileSync(join(exampleDir('nginx'), 'chatq.conf'), 'utf8');
  const replaced = shipped.replace('listen 8080;', `listen 127.0.0.1:${listen};`).replace('127.0.0.1:3001;', `127.0.0.1:${upstreams[0]};`).replace('127.0.0.1:3002;', `127.0.0.1:${upstreams[1]};`);
  expect(replaced.match(/127\.0\.0\.1:\d+;/g)).toHaveLength(3);
  return replaced;
}

async function startNginx(listen: number, upstreams: [number, number]): Promise<void> {
  nginxDir = mkdtempSync(join(tmpdir(), 'chatq-example-nginx-'));
  chmodSync(nginxDir, 0o755);
  writeFileSync(join(nginxDir, 'chatq.conf'), shippedConfig(listen, upstreams));
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `  ${name}_temp_path ${join(nginxDir, name)};`).join('\n');
  writeFileSync(
    join(nginxDir, 'nginx.conf'),
    `daemon off;\nworker_processes 1;\npid ${join(nginxDir, 'nginx.pid')};\nevents { worker_connections 256; }\nhttp {\n  access_log off;\n${temp}\n  include ${join(nginxDir, 'chatq.conf')};\n}\n`,
  );
  nginx = await spawnTracked(findBinary('nginx', 'nginx'), ['-c', join(nginxDir, 'nginx.conf'), '-p', `${nginxDir}/`, '-e', join(nginxDir, 'error.log')], nginxDir, 'nginx');
  while (!(await portAccepts(listen))) {
    if (!nginx.isRunning()) throw new Error(`nginx exited: ${nginx.output()}`);
    await sleep(50);
  }
}

beforeAll(async () => {
  [example, redis] = await Promise.all([installExample('nginx'), startRedis()]);
  const [listen, a, b] = [await freePort(), await freePort(), await freePort()];
  front = `http://127.0.0.1:${listen}`;
  const env = { REDIS_URL: redis.url, PUBLIC_ORIGIN: front };
  instances.push(await startExample(example.dir, 'start', { port: a, env }), await startExample(example.dir, 'start', { port: b, env }));
  await startNginx(listen, [a, b]);
});
afterAll(async () => {
  for (const instance of instances) await instance.stop();
  if (nginx) await stopProcess(nginx);
  if (nginxDir) rmSync(nginxDir, { recursive: true, force: true });
  await redis?.stop();
  example?.remove();
});

describe('examples/nginx: nginx (chatq.conf) in front of two instances on Redis', () => {
  it('a first answered chat through nginx', async () => {
    await firstChat(front);
  });

  it("a visitor streaming from instance A gets the agent's reply sent through instance B", async () => {
    const [a, b] = instances.map((instance) => `${instance.base}/chatq`) as [string, string];
    const { jwt } = await (await fetch(`${front}/api/chatq-token`, { headers: { Cookie: 'user=grace' } })).json();
    const json = { 'Content-Type': 'application/json', Origin: front };
    const signedIn = await (await fetch(`${a}/v1/identity`, { method: 'POST', headers: json, body: JSON.stringify({ jwt }) })).json();
    const abort = new AbortController();
    const stream = await fetch(`${a}/v1/stream`, { headers: { Authorization: `Bearer ${signedIn.session}`, Origin: front }, signal: abort.signal });
    const sent = await fetch(`${b}/v1/messages`, { method: 'POST', headers: { ...json, Authorization: `Bearer ${signedIn.session}` }, body: JSON.stringify({ clientId: 'cid_cross', body: 'Hi' }) });
    expect(sent.status).toBe(201);
    const reply = await fetch(`${b}/agent/v1/conversations/${encodeURIComponent(signedIn.conversationId)}/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${AGENT_TOKEN}` },
      body: JSON.stringify({ body: 'Hello from instance B' }),
    });
    expect(reply.status).toBe(201);
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('Hello from instance B')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended first:\n${text}`);
      text += value;
    }
    abort.abort();
  });
});
