/**
 * The soak's two sizes. `full` is what `npm run soak` runs (≈ 60–90 s per
 * fault, 100 node visitors, 3 Chromium visitors, one agent); `short` is the
 * vitest test's (a few visitors, one fault, well under a minute).
 */
import type { FaultName } from './faults.js';
import type { ScenarioConfig } from './scenario.js';

export const ALL_FAULTS: FaultName[] = ['redis-kill', 'client-pause', 'debug-sleep', 'maxmemory', 'cut-instance', 'stall-instance'];

export const FULL: Omit<ScenarioConfig, 'fault'> = {
  visitors: 100,
  browsers: 3,
  messagesPerVisitor: 12,
  visitorIntervalMs: 3_500,
  agentReplies: 200,
  agentIntervalMs: 400,
  warmupMs: 15_000,
  holdMs: 8_000,
  trafficMs: 45_000,
  settleMs: 35_000,
};

export const SHORT: Omit<ScenarioConfig, 'fault'> = {
  visitors: 6,
  browsers: 1,
  messagesPerVisitor: 8,
  visitorIntervalMs: 1_200,
  agentReplies: 40,
  agentIntervalMs: 400,
  warmupMs: 5_000,
  holdMs: 5_000,
  trafficMs: 15_000,
  settleMs: 20_000,
};
