// Verifications per second: chatq's verifier against raw jose.jwtVerify on a
// pre-imported key, fast-jwt's createVerifier (with and without its cache)
// and the node:crypto floor, for HS256 and RS256 × valid cold (distinct
// tokens), valid warm (one token again and again), bad signature, malformed.
//
// All contenders run in one process, in alternating short rounds, and each
// cell is the median of its rounds: the machine is shared and noisy, so a
// ratio measured side by side means more than an absolute number. Rounds are
// timed in CPU time (process.cpuUsage: this process, all its threads), not
// wall time: on a machine shared with other jobs, wall time mostly measures
// how often the neighbours took the CPU away, and did so unevenly between
// contenders (measured here at load average 6: chatq÷fast-jwt HS256 cold
// swung from 0.84× to 1.30× between two runs in wall time).
//
// Each ratio is the median of per-round ratios (chatq's round against the
// baseline's round next to it in time), printed with its spread (the middle
// half of those per-round ratios): a run whose spread is wide was a noisy run.
// A full garbage collection runs before every round, then a short pause, so
// that no contender pays for the garbage or the background work (concurrent
// GC, JIT compilation: CPU time counts every thread) of the one before it; and
// the order of the contenders rotates from round to round, so that each one
// follows each other one equally often. Without both, a contender run right
// after jose measured ~15% slower than the same code run elsewhere in the order.
//
// Usage: npm run build && node bench/verifier.mjs   (or via bench/index.mjs)
//   CHATQ_SERVER=path/to/server.js  another build of chatq/server (e.g. an older commit, for a bisect)
//   ROUNDS=31                       more rounds (default 21)
//   ALGS=RS256  KINDS='valid cold'  only these algorithms / scenarios (comma-separated)
//   CHATQ_BUILDS=old=/tmp/a/dist/server.js,new=…  more builds of chatq/server as contenders in the same
//                                   run (chatq@old, chatq@new): a bisect compares builds side by side, each
//                                   against fast-jwt in the same rounds, rather than across noisy runs
import { createHmac, createPublicKey, generateKeyPairSync, sign, timingSafeEqual, verify, webcrypto } from 'node:crypto';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createVerifier as createFastVerifier } from 'fast-jwt';
import * as jose from 'jose';

const SERVER = process.env.CHATQ_SERVER ? pathToFileURL(resolve(process.env.CHATQ_SERVER)).href : '../dist/server.js';
const { createVerifier, defineCommunity } = await import(SERVER);
const BUILDS = await Promise.all(
  (process.env.CHATQ_BUILDS ?? '').split(',').filter(Boolean).map(async (entry) => {
    const [label, path] = entry.split('=');
    return { name: `chatq@${label}`, module: await import(pathToFileURL(resolve(path)).href) };
  }),
);
const ALGS = (process.env.ALGS ?? 'HS256,RS256').split(',');
const KINDS = (process.env.KINDS ?? 'valid cold,valid warm,bad signature,malformed').split(',');

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc');

const ROUNDS = Number(process.env.ROUNDS ?? 21);
const ROUND_MS = 60;
const HS_POOL = 30_000;
const RS_POOL = 3_000;
const SECRET = '0123456789abcdef01234567';
const signAsync = promisify(sign);

const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function payloadFor(i) {
  const now = Math.floor(Date.now() / 1000);
  return { uuid: `visitor-${i}`, jti: `j${i}`, exp: now + 7200, iat: now, firstname: 'Ada', extra_values: { plan: 'gold' } };
}

/** Distinct tokens, signed on the libuv thread pool (RSA signing is the slow part of setup). */
async function signPool(alg, count, privateKey) {
  const header = b64({ alg, typ: 'JWT', kid: alg === 'HS256' ? 'site_bench' : 'rsa_bench' });
  const jobs = [];
  for (let i = 0; i < count; i++) {
    const input = `${header}.${b64(payloadFor(i))}`;
    if (alg === 'HS256') jobs.push(`${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`);
    else jobs.push(signAsync('sha256', Buffer.from(input), privateKey).then((s) => `${input}.${s.toString('base64url')}`));
  }
  return Promise.all(jobs);
}

/** Each token's signature swapped with its neighbour's: same shape, wrong signature. */
function badSignatures(tokens) {
  const signatureOf = (t) => t.slice(t.lastIndexOf('.'));
  return tokens.map((t, i) => t.slice(0, t.lastIndexOf('.')) + signatureOf(tokens[(i + 1) % tokens.length]));
}

/** A '*' in the payload: not base64url, refused before any signature work. */
function malformedTokens(tokens) {
  return tokens.slice(0, 1000).map((t) => {
    const [h, p, s] = t.split('.');
    return `${h}.${p.slice(0, 10)}*${p.slice(11)}.${s}`;
  });
}

function floorHs(token) {
  const dot = token.lastIndexOf('.');
  const expected = createHmac('sha256', SECRET).update(token.slice(0, dot)).digest();
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('signature');
  return floorClaims(token, dot);
}
function floorClaims(token, dot) {
  const payload = JSON.parse(Buffer.from(token.slice(token.indexOf('.') + 1, dot), 'base64url').toString());
  if (!(payload.exp > Date.now() / 1000)) throw new Error('expired');
  return payload;
}

async function setup() {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = pair.publicKey.export({ type: 'spki', format: 'pem' });
  const rsKeyObject = createPublicKey(spki);
  const community = defineCommunity({ jwtKeys: [{ id: 'site_bench', secret: SECRET }, { id: 'rsa_bench', publicKey: spki }] });
  const hsCrypto = await webcrypto.subtle.importKey('raw', Buffer.from(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const rsCrypto = await jose.importSPKI(spki, 'RS256');
  // crypto.verify with a KeyObject: the fastest RS256 check node offers.
  const floorRs = (token) => {
    const dot = token.lastIndexOf('.');
    const signature = Buffer.from(token.slice(dot + 1), 'base64url');
    if (!verify('sha256', Buffer.from(token.slice(0, dot)), rsKeyObject, signature)) throw new Error('signature');
    return floorClaims(token, dot);
  };
  const pools = { HS256: await signPool('HS256', HS_POOL), RS256: await signPool('RS256', RS_POOL, pair.privateKey) };
  const fast = (alg, key, cache) => createFastVerifier({ key, algorithms: [alg], cache });
  // Each build defines its own community: its createVerifier reads internals its own defineCommunity made.
  const builds = BUILDS.map(({ name, module }) => ({ name, module, community: module.defineCommunity({ jwtKeys: [{ id: 'site_bench', secret: SECRET }, { id: 'rsa_bench', publicKey: spki }] }) }));
  // Each contender: a factory giving a fresh verify function (fresh caches for "cold").
  const contenders = (alg) => {
    const key = alg === 'HS256' ? SECRET : spki;
    return [
      { name: 'chatq', async: true, make: () => { const v = createVerifier(community); return (jwt) => v.verify({ jwt }); } },
      // Cold only: what the token cache costs on a miss (insertion, copies).
      { name: 'chatq nocache', async: true, coldOnly: true, make: () => { const v = createVerifier(community, { cacheSize: 0 }); return (jwt) => v.verify({ jwt }); } },
      { name: 'jose', async: true, make: () => { const k = alg === 'HS256' ? hsCrypto : rsCrypto; return (jwt) => jose.jwtVerify(jwt, k, { algorithms: [alg] }); } },
      { name: 'fast-jwt', make: () => fast(alg, key, false) },
      { name: 'fast-jwt+cache', warmOnly: true, make: () => fast(alg, key, true) },
      { name: 'node:crypto', make: () => (alg === 'HS256' ? floorHs : floorRs) },
      ...builds.map((b) => ({ name: b.name, async: true, make: () => { const v = b.module.createVerifier(b.community); return (jwt) => v.verify({ jwt }); } })),
    ];
  };
  return { pools, contenders };
}

/** CPU milliseconds this process has used (user + system, all threads). */
function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Runs `fn` over `inputs` (in order, wrapping) for about ROUND_MS of CPU time; returns operations per CPU second. */
async function measure(fn, isAsync, inputs, maxOps) {
  let i = 0;
  let n = 0;
  const start = cpuMs();
  let elapsed = 0;
  while (elapsed < ROUND_MS && n < maxOps) {
    const batch = Math.min(64, maxOps - n);
    if (isAsync) {
      for (let k = 0; k < batch; k++) {
        try { await fn(inputs[i]); } catch {}
        if (++i === inputs.length) i = 0;
      }
    } else {
      for (let k = 0; k < batch; k++) {
        try { fn(inputs[i]); } catch {}
        if (++i === inputs.length) i = 0;
      }
    }
    n += batch;
    elapsed = cpuMs() - start;
  }
  return (n * 1000) / elapsed;
}

/** Refuses to time a contender that gets the answers wrong (a broken path is always fast). */
async function check(contender, fn, valid, bad, malformed) {
  const outcome = async (t) => { try { await fn(t); return true; } catch { return false; } };
  if (!(await outcome(valid))) throw new Error(`${contender.name} refused a valid token`);
  if (await outcome(bad)) throw new Error(`${contender.name} accepted a bad signature`);
  if (await outcome(malformed)) throw new Error(`${contender.name} accepted a malformed token`);
}

const median = (values) => { const s = [...values].sort((a, b) => a - b); return s[s.length >> 1]; };

async function scenario(kind, tokens, contenders) {
  const list = contenders.filter((c) => (kind === 'valid warm' || !c.warmOnly) && (kind === 'valid cold' || !c.coldOnly));
  const warm = new Map(list.map((c) => [c.name, c.make()]));
  const inputs = kind === 'valid warm' ? [tokens.valid[0]] : kind === 'valid cold' ? tokens.valid : kind === 'bad signature' ? tokens.bad : tokens.malformed;
  const samples = new Map(list.map((c) => [c.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate (and every other round reverse) the order: no contender always runs right after the same one.
    const rotated = [...list.slice(round % list.length), ...list.slice(0, round % list.length)];
    const order = Math.floor(round / list.length) % 2 ? rotated.reverse() : rotated;
    for (const c of order) {
      // Cold: a fresh verifier each round and never a repeated token within it.
      const fn = kind === 'valid cold' ? c.make() : warm.get(c.name);
      const maxOps = kind === 'valid cold' ? inputs.length : Infinity;
      if (kind === 'valid warm' && round === 0) await fn(inputs[0]);
      collectGarbage();
      await new Promise((done) => setTimeout(done, 5));
      samples.get(c.name).push(await measure(fn, c.async, inputs, maxOps));
    }
  }
  return samples;
}

/** The median of `name`'s (chatq's) per-round ratios to `baseline`, and the middle half of them (the spread). */
function paired(samples, baseline, name = 'chatq') {
  const ours = samples.get(name);
  const theirs = samples.get(baseline);
  if (!ours || !theirs) return undefined;
  const ratios = ours.map((value, round) => value / theirs[round]).sort((a, b) => a - b);
  const at = (q) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))];
  return { median: at(0.5), low: at(0.25), high: at(0.75) };
}

const fmt = (n) => (n === undefined ? '—' : Math.round(n).toLocaleString('en-US'));
const ratio = (r) => (r ? `${r.median.toFixed(2)}×` : '—');
const spread = (r) => (r ? `${r.low.toFixed(2)}–${r.high.toFixed(2)}` : '—');

export async function run() {
  const started = performance.now();
  const { pools, contenders } = await setup();
  const names = ['chatq', 'chatq nocache', 'jose', 'fast-jwt', 'fast-jwt+cache', 'node:crypto', ...BUILDS.map((b) => b.name)];
  const rows = [];
  const verdicts = [];
  const buildLines = [];
  const load = loadavg().map((n) => n.toFixed(2)).join(' ');
  for (const alg of ALGS) {
    const valid = pools[alg];
    const tokens = { valid, bad: badSignatures(valid), malformed: malformedTokens(valid) };
    for (const c of contenders(alg)) await check(c, c.make(), valid[0], tokens.bad[0], tokens.malformed[0]);
    for (const kind of KINDS) {
      const samples = await scenario(kind, tokens, contenders(alg));
      const fast = paired(samples, 'fast-jwt');
      const best = paired(samples, kind === 'valid warm' ? 'fast-jwt+cache' : 'fast-jwt');
      const floor = paired(samples, 'jose');
      rows.push([`${alg} ${kind}`, ...names.map((n) => fmt(samples.has(n) ? median(samples.get(n)) : undefined)), ratio(paired(samples, 'node:crypto')), ratio(floor), ratio(fast), spread(fast), ratio(best)]);
      for (const { name } of BUILDS) {
        const r = paired(samples, 'fast-jwt', name);
        buildLines.push(`${alg} ${kind}: ${name}÷fast-jwt ${ratio(r)} (spread ${spread(r)}), ${name}÷chatq ${ratio(paired(samples, 'chatq', name))}`);
      }
      if (kind === 'valid cold') verdicts.push(`${alg} cold: chatq÷fast-jwt ${ratio(fast)} (spread ${spread(fast)}) ${fast.median >= 1 ? 'meets' : 'MISSES'} ≥ 1.0×; chatq÷jose ${ratio(floor)} ${floor.median >= 1 ? 'above' : 'BELOW'} the jose floor`);
    }
  }
  const header = ['verifications/s', ...names, 'chatq÷node', 'chatq÷jose', 'chatq÷fast-jwt', 'spread', 'chatq÷fast-jwt best'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log(
    `\nverifications per CPU second, median of ${ROUNDS} rotating ${ROUND_MS} ms rounds (module ${SERVER}); cold = ${HS_POOL.toLocaleString('en-US')} HS256 / ${RS_POOL.toLocaleString('en-US')} RS256 distinct tokens, ` +
      `fresh verifiers each round; "best" = fast-jwt with its cache for warm. node:crypto = signature + JSON.parse + exp only ` +
      `(on malformed tokens it still computes the signature: it is no floor there). "chatq nocache" = cacheSize 0. ` +
      `Ratios: median of per-round ratios; spread = their middle half (25th–75th percentile). ` +
      `node ${process.version}, load average ${load} at the start, ${loadavg().map((n) => n.toFixed(2)).join(' ')} at the end, ${((performance.now() - started) / 1000).toFixed(1)} s.`,
  );
  for (const verdict of verdicts) console.log(verdict);
  for (const buildLine of buildLines) console.log(buildLine);
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
