/**
 * Self time per function of a V8 .cpuprofile (what `node --cpu-prof` writes), the top lines first:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/load.mjs   (BENCH_ONLY=register BENCH_ROUNDS=1: one profile per thread)
 *   node bench/cpuprofile-top.mjs /tmp/prof/CPU.….cpuprofile [lines]
 */
import { readFileSync } from 'node:fs';

const [file, lines = '40'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map();
// timeDeltas[i] is the time before samples[i]: charge it to that sample's node.
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const perFunction = new Map();
for (const [id, us] of selfUs) {
  const { callFrame: f } = byId.get(id);
  const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\//, '')}:${f.lineNumber + 1}`;
  perFunction.set(key, (perFunction.get(key) ?? 0) + us);
}
// Inclusive: each sample's time goes to every distinct function on its stack.
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const inclusive = new Map();
for (const [id, us] of selfUs) {
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const { callFrame: f } = byId.get(at);
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\//, '')}:${f.lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}
const show = (title, map) => {
  console.log(title);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(lines))) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${key}`);
  }
};
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled (wall time: a thread waiting for a core is charged too)`);
show('self time', perFunction);
if (process.env.INCLUSIVE) show('\ninclusive time', inclusive);
