/**
 * A repro the soak led to: an instance that STARTS while Redis is down never
 * gets live messages once Redis is back (its streams get the log on connect,
 * then nothing). The soak hits it whenever a crashed instance is restarted
 * during the outage (redis-kill: 895 acknowledged messages never reached the
 * agent view).
 *
 *   node --experimental-transform-types --import ./bench/soak/ts-hooks.mjs bench/soak/probe-late-subscribe.ts [downMs]
 *
 * Prints whether the agent stream got the `message` event of a visitor message
 * sent after Redis came back; exits 1 when it did not. downMs 0 is the control.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, makeTempDir, sleep, startRedis } from '../../test/helpers/redis.js';

const downMs = Number(process.argv[2] ?? 6_000);
const keepAlive = setInterval(() => {}, 1_000); // the helpers' children are unref'd
const token = 'probe-agent-token-'.padEnd(40, 'x');
const redis = await startRedis({});
await redis.kill();
const dir = await makeTempDir('chatq-probe-');
const config = join(dir, 'config.json');
await writeFile(config, JSON.stringify({ agentToken: token, origin: 'http://127.0.0.1:1', community: { signedIdentities: 'reject' } }), { mode: 0o600 });
const port = await freePort();
const instance = spawn(process.execPath, [fileURLToPath(new URL('./instance.mjs', import.meta.url)), String(port), redis.url, config], { stdio: 'ignore' });
await sleep(downMs);
await redis.restart();
await sleep(3_000);
const base = `http://127.0.0.1:${port}/chatq`;
const json = { 'content-type': 'application/json' };
const { session } = (await (await fetch(`${base}/v1/identity`, { method: 'POST', headers: json, body: JSON.stringify({ automatedUuid: 'p'.repeat(30) }) })).json()) as { session: string };
const controller = new AbortController();
const stream = await fetch(`${base}/agent/v1/stream`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
let text = '';
const reading = (async () => {
  const reader = stream.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    text += new TextDecoder().decode(value);
  }
})().catch(() => {});
await sleep(500);
const sent = await fetch(`${base}/v1/messages`, { method: 'POST', headers: { ...json, authorization: `Bearer ${session}` }, body: JSON.stringify({ clientId: 'probe-0001', body: 'hello' }) });
await sleep(2_000);
const got = text.includes('event: message');
console.log(`Redis down ${downMs} ms at instance start; message POST ${sent.status}; agent stream got its message event: ${got}`);
controller.abort();
await reading;
instance.kill('SIGKILL');
await redis.stop();
clearInterval(keepAlive);
process.exit(got ? 0 : 1);
