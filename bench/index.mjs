// `npm run bench`: every benchmark, each printing ratios against a baseline
// measured in the same process (these machines are shared and noisy).
const only = process.argv[2];
const suites = [
  ['verifier', () => import('./verifier.mjs')],
  ['load', () => import('./load.mjs')],
  ['streams', () => import('./streams.mjs')],
  ['engine', () => import('./engine.mjs')],
  ['fanout', () => import('./fanout.mjs')],
  ['relay', () => import('./relay.mjs')],
  ['sqlite', () => import('./sqlite.mjs')],
  ['panel', () => import('./panel.mjs')],
];
for (const [name, load] of suites) {
  if (only && only !== name) continue;
  console.log(`\n=== ${name} ===`);
  const mod = await load();
  await mod.run();
}
