/**
 * One soak scenario: a fresh deployment, traffic from node visitors (the
 * widget's own code), browser visitors (the built loader.js in Chromium) and
 * the agent; one fault injected `warmupMs` in; then the senders stop, the
 * system gets up to `settleMs` to deliver what it acknowledged (visitors keep
 * pressing retry on failed messages), and the ledger is checked against every
 * view. Every phase is bounded in time.
 */
import type { Browser } from 'playwright-core';
import { sleep } from '../../test/helpers/redis.js';
import { Agent } from './agent.js';
import { BrowserVisitor } from './browser-visitor.js';
import { deploy, type Crash } from './deployment.js';
import { FAULTS, type FaultName } from './faults.js';
import { countInto } from './http-count.js';
import { addVerdict, emptyVerdict, HttpCounts, Ledger, type Verdict } from './ledger.js';
import { NodeVisitor } from './node-visitor.js';

export interface ScenarioConfig {
  fault: FaultName | 'none';
  visitors: number;
  browsers: number;
  messagesPerVisitor: number;
  visitorIntervalMs: number;
  agentReplies: number;
  agentIntervalMs: number;
  /** Traffic before the fault. */
  warmupMs: number;
  /** How long the fault lasts. */
  holdMs: number;
  /** The whole sending window, fault included. */
  trafficMs: number;
  /** At most this long after sending stops for everything acknowledged to show. */
  settleMs: number;
}

export interface ScenarioResult {
  name: string;
  /** The node visitors' widgets (the widget's Chat on the widget's transport). */
  widget: Verdict;
  /** The Chromium visitors' widgets (dist/loader.js, read from the shadow DOM). */
  browser: Verdict;
  /** The agent's view: its stream plus the gap it fetches on each reconnect. */
  agent: Verdict;
  /** Acknowledged messages the agent stream never delivered live (the gap fetch brought them, or nothing did). */
  agentStreamMissing: number;
  crashes: Crash[];
  /** Status counts in nginx's access log (every client). */
  nginx: Map<number, number>;
  /** What the clients saw (node visitors + agent + Chromium). */
  http: HttpCounts;
  seqReused: number;
  sessionLost: number;
  agentFailedReplies: number;
  browserErrors: string[];
  settledMs: number;
  durationMs: number;
}

interface View {
  conversationId: string | undefined;
  bodies(): string[] | Promise<string[]>;
}

async function allShown(ledger: Ledger, visitors: View[], agent: Agent): Promise<boolean> {
  for (const v of visitors) {
    if (v.conversationId && ledger.check(v.conversationId, await v.bodies(), '', 'visitor').lost > 0) return false;
  }
  for (const id of ledger.conversations()) {
    const view = agent.views.get(id);
    if (ledger.check(id, [...(view?.stream ?? []), ...(view?.fetched ?? [])], '').lost > 0) return false;
  }
  return true;
}

export async function runScenario(c: ScenarioConfig, browser: Browser | undefined, log: (line: string) => void = () => {}): Promise<ScenarioResult> {
  const started = Date.now();
  const d = await deploy();
  const http = new HttpCounts();
  countInto(http);
  const ledger = new Ledger();
  const sendUntil = started + c.trafficMs;
  const agent = new Agent({ base: d.base, token: d.agentToken, ledger, replies: c.agentReplies, intervalMs: c.agentIntervalMs, sendUntil });
  const nodes = Array.from({ length: c.visitors }, (_, index) =>
    new NodeVisitor({ base: d.base, index, ledger, count: c.messagesPerVisitor, intervalMs: c.visitorIntervalMs, sendUntil }),
  );
  const browsers = browser
    ? Array.from({ length: c.browsers }, (_, index) =>
        new BrowserVisitor({ browser, url: d.hostPageUrl, index, ledger, http, count: c.messagesPerVisitor, intervalMs: c.visitorIntervalMs, sendUntil }),
      )
    : [];
  const browserErrors: string[] = [];
  try {
    const agentDone = agent.run();
    const senders = [
      ...nodes.map(async (v, i) => {
        await sleep((i * 2_000) / Math.max(1, nodes.length)); // a 2 s ramp, not a thundering herd
        await v.run();
      }),
      ...browsers.map((b) => b.run().catch((e: Error) => void browserErrors.push(`b${browsers.indexOf(b)}: ${e.message.split('\n')[0]}`))),
    ];
    if (c.fault !== 'none') {
      await sleep(c.warmupMs);
      log(`  fault ${c.fault}: ${FAULTS[c.fault].describe} (${c.holdMs} ms)`);
      await FAULTS[c.fault].inject(d, c.holdMs);
    }
    // Senders stop by themselves at sendUntil; the guard is for a step that hangs.
    await Promise.race([Promise.all([...senders, agentDone]), sleep(Math.max(0, sendUntil - Date.now()) + 30_000)]);
    log(`  sending done, ${ledger.size} acknowledged; settling (≤ ${c.settleMs} ms)`);
    log(`  agent stream: ${agent.streamLog.join(', ')}; ${JSON.stringify(agent.counts)}`);
    const views: View[] = [
      ...nodes.map((v) => ({ conversationId: v.conversationId, bodies: () => v.shownBodies() })),
      ...browsers.map((b) => ({ conversationId: b.conversationId, bodies: () => b.shownBodies().catch(() => []) })),
    ];
    const settleStart = Date.now();
    for (let round = 0; Date.now() - settleStart < c.settleMs; round++) {
      let pending = 0;
      for (const v of nodes) pending += v.retryFailed();
      for (const b of browsers) await b.retryFailed().catch(() => {});
      if (pending === 0 && (await allShown(ledger, views, agent))) break;
      await sleep(1_000);
    }
    const settledMs = Date.now() - settleStart;
    log(`  settled: agent ${JSON.stringify(agent.counts)}`);
    const widget = emptyVerdict();
    for (const v of nodes) if (v.conversationId) addVerdict(widget, ledger.check(v.conversationId, v.shownBodies(), `visitor v${nodes.indexOf(v)}`, 'visitor'));
    const browserVerdict = emptyVerdict();
    for (const [i, b] of browsers.entries()) {
      if (b.conversationId) addVerdict(browserVerdict, ledger.check(b.conversationId, await b.shownBodies().catch(() => []), `browser b${i}`, 'visitor'));
      browserErrors.push(...b.pageErrors.slice(0, 3));
    }
    const agentVerdict = emptyVerdict();
    let agentStreamMissing = 0;
    for (const id of ledger.conversations()) {
      const view = agent.views.get(id);
      const live = ledger.check(id, view?.stream ?? [], `agent stream ${id.slice(0, 8)}`);
      const all = ledger.check(id, [...(view?.stream ?? []), ...(view?.fetched ?? [])], `agent view ${id.slice(0, 8)}`);
      agentStreamMissing += live.lost;
      addVerdict(agentVerdict, { ...live, lost: all.lost, examples: [...all.examples.filter((e) => e.includes('never shown')), ...live.examples.filter((e) => !e.includes('never shown'))] });
    }
    nodes.forEach((v) => v.stop());
    agent.stop();
    const nginx = new Map<number, number>();
    for (const line of await d.nginx.accessLog()) {
      const status = Number(line.split(' ')[0]);
      nginx.set(status, (nginx.get(status) ?? 0) + 1);
    }
    return {
      name: c.fault,
      widget,
      browser: browserVerdict,
      agent: agentVerdict,
      agentStreamMissing,
      crashes: [...d.crashes],
      nginx,
      http,
      seqReused: ledger.seqReused,
      sessionLost: nodes.reduce((n, v) => n + v.sessionLost, 0),
      agentFailedReplies: agent.failedReplies,
      browserErrors,
      settledMs,
      durationMs: Date.now() - started,
    };
  } finally {
    nodes.forEach((v) => v.stop());
    agent.stop();
    await Promise.all(browsers.map((b) => b.close()));
    await d.stop();
  }
}
