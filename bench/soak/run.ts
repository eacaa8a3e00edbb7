/**
 * `npm run soak`: the fault soak of issue 16 (see bench/soak/README.md).
 *
 *   npm run soak                                  # every fault, full size
 *   npm run soak -- --faults maxmemory,redis-kill --visitors 20 --browsers 1
 *   npm run soak -- --json soak-result.json       # also write the results
 *
 * Prints one table row per fault; exits 1 when anything acknowledged was
 * lost or duplicated anywhere, reordered on a widget, or an instance exited
 * (table.ts `problems`); the agent stream's order is reported (`findings`).
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser-visitor.js';
import { ALL_FAULTS, FULL } from './config.js';
import type { FaultName } from './faults.js';
import { runScenario, type ScenarioResult } from './scenario.js';
import { findings, formatTable, problems } from './table.js';

const { values } = parseArgs({
  options: {
    faults: { type: 'string' },
    visitors: { type: 'string' },
    browsers: { type: 'string' },
    json: { type: 'string' },
  },
});

const faults = (values.faults?.split(',') ?? ALL_FAULTS) as (FaultName | 'none')[];
const config = {
  ...FULL,
  ...(values.visitors && { visitors: Number(values.visitors) }),
  ...(values.browsers && { browsers: Number(values.browsers) }),
};
const log = (line: string): void => void process.stderr.write(`${line}\n`);
// Ctrl-C or a TERM: exit, so the exit hooks kill every server this run started (and Chromium).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

let browser: Browser | undefined;
if (config.browsers > 0) browser = await launchChromium();
const results: ScenarioResult[] = [];
try {
  for (const fault of faults) {
    log(`scenario ${fault}: ${config.visitors} node visitors, ${config.browsers} Chromium visitors, 1 agent`);
    const result = await runScenario({ ...config, fault }, browser, log);
    results.push(result);
    log(formatTable([result]).split('\n').at(-1)!);
  }
} finally {
  await browser?.close();
}
process.stdout.write(`\n${formatTable(results)}\n\n`);
const found = results.flatMap(problems);
if (found.length) process.stdout.write(`${found.join('\n')}\n`);
const noted = results.flatMap(findings);
if (noted.length) process.stdout.write(`\nReported (not failures):\n${noted.join('\n')}\n`);
if (values.json) {
  await writeFile(values.json, JSON.stringify(results, (_, v) => (v instanceof Map ? Object.fromEntries(v) : v), 2));
}
process.exitCode = found.length ? 1 : 0;
