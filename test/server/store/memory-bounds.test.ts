/**
 * SPEC §6 "Bounds": the memory store's figures are real memory bounds. Each
 * scenario fills a store with maxBytes = 16 MB until it refuses (or, for
 * sessions, until the least recently used go) in a separate `node
 * --expose-gc` process over the built dist/server.js, and the heap it grew by
 * must stay within the budget. Before per-record overhead was counted, the
 * one-character flood grew the heap ~7× past a character budget.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./heap-fill.mjs', import.meta.url));
const MAX_BYTES = 16_000_000;

async function fill(scenario: string): Promise<{ count: number; heapGrowth: number; ratio: number }> {
  const { stdout } = await run(process.execPath, ['--expose-gc', SCRIPT, scenario, String(MAX_BYTES)], { timeout: 120_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

describe('memory store: maxBytes bounds the real heap (per-record overhead counted)', () => {
  it.each([
    // [scenario, at least this many records stored: the bound is not met by storing nothing]
    ['tiny-messages', 15_000],
    ['long-messages', 1_500],
    ['conversations', 2_000],
    ['sessions', 150_000],
  ])('%s', async (scenario, atLeast) => {
    const result = await fill(scenario);
    expect(result.count).toBeGreaterThanOrEqual(atLeast);
    expect(result.heapGrowth).toBeLessThanOrEqual(MAX_BYTES);
  }, 150_000);
});
