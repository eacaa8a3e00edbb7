/**
 * The agent of bench/relay.mjs: replies over HTTP through nginx at a fixed
 * rate, round-robin over the conversations, each body `t=<clockMs>` (its send
 * time). Keep-alive sockets; at most MAX_IN_FLIGHT requests outstanding
 * (beyond that a reply is skipped and counted: the stack cannot keep up).
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { AGENT, clockMs, STACKS } from './wire.mjs';

const MAX_IN_FLIGHT = 512;
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
let clientIds = 0;

function post(url, body) {
  return new Promise((resolve) => {
    const payload = JSON.stringify(body);
    const req = request(
      url,
      {
        agent,
        method: 'POST',
        headers: { Authorization: `Bearer ${AGENT.token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve(res.statusCode === 201 ? undefined : `HTTP ${res.statusCode} ${text.slice(0, 160)}`));
      },
    );
    req.on('error', (error) => resolve(String(error)));
    req.end(payload);
  });
}

/**
 * Sends to `{base}/{stack}` at `rate`/s for `ms`; resolves once every reply
 * is answered: { ok, failed, skipped, firstFailure, seconds } (seconds: the
 * sending window, for the rate achieved).
 */
export async function paced(base, stackName, ids, rate, ms) {
  const stack = STACKS[stackName];
  const root = `${base}/${stack.prefix}`;
  const tally = { ok: 0, failed: 0, skipped: 0, firstFailure: undefined, seconds: 0 };
  let due = 0;
  let inFlight = 0;
  const start = performance.now();
  for (let elapsed = 0; elapsed < ms; elapsed = performance.now() - start) {
    for (const target = Math.floor((elapsed * rate) / 1000); due < target; due++) {
      if (inFlight >= MAX_IN_FLIGHT) {
        tally.skipped++;
        continue;
      }
      inFlight++;
      const id = ids[due % ids.length];
      void post(`${root}${stack.reply(id)}`, { body: `t=${clockMs()}`, clientId: `relay_${(++clientIds).toString(36).padStart(10, '0')}` }).then((failure) => {
        inFlight--;
        if (failure === undefined) tally.ok++;
        else {
          tally.failed++;
          tally.firstFailure ??= failure;
        }
      });
    }
    await sleep(1);
  }
  tally.seconds = (performance.now() - start) / 1000;
  while (inFlight > 0) await sleep(2);
  return tally;
}

export function closeSender() {
  agent.destroy();
}
