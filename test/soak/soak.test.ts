/**
 * The short fault soak (issue 16), in `npm test`: the full harness of
 * bench/soak (two chatq processes on dist/ behind a real nginx, one real
 * redis-server, node visitors on the widget's own Chat/transport code, one
 * Chromium visitor on dist/loader.js, one agent, a ledger of every
 * acknowledged message), a few visitors and two faults, one scenario each:
 * Redis refusing writes at `maxmemory`, and Redis killed and restarted, both
 * mid-traffic. It fails on any acknowledged message lost or
 * duplicated on a widget or the agent's view, reordered on a widget, and on
 * any instance that exits (bench/soak/table.ts `problems`). `npm run soak` runs every fault at full size.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../bench/soak/browser-visitor.js';
import { SHORT } from '../../bench/soak/config.js';
import { runScenario } from '../../bench/soak/scenario.js';
import { formatTable, problems } from '../../bench/soak/table.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('fault soak (short)', () => {
  it.each(['maxmemory', 'redis-kill'] as const)(
    'loses, duplicates and reorders nothing acknowledged, and no instance exits: %s',
    async (fault) => {
      const result = await runScenario({ ...SHORT, fault }, browser);
      // The table goes to the test log whatever the outcome: it is the evidence.
      console.log(`\n${formatTable([result])}`);
      // The soak must have exercised something: messages both ways, a Chromium visitor's included.
      expect(result.agent.acked).toBeGreaterThan(SHORT.visitors);
      expect(result.browser.acked).toBeGreaterThan(0);
      expect(problems(result)).toEqual([]);
    },
    180_000,
  );
});
