// `npm run bench panel`: what the host page pays before `load` and the click-to-usable-panel
// time, loader.js + lazy panel.js (this build) against a loader that carries its panel
// (CHATQ_OLD_LOADER=path, e.g. a build of the previous release; CHATQ_OLD_PANEL=path for a
// previous build's own panel.js, which its loader needs). Chromium on loopback,
// cold cache (a new context each run), CPU slowed 4× (CDP Emulation.setCPUThrottlingRate).
// Printed, never asserted: these machines are shared and noisy.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { createMessagingHandler, createVerifier, defineCommunity } from '../dist/server.js';
import { toNodeListener } from '../dist/node.js';

const RUNS = Number(process.env.RUNS ?? 7);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const gz = (text) => gzipSync(text, { level: 9 }).length;

async function listen(handler) {
  const server = createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(browser, label, sizes, loaderScript, panelScript) {
  const host = await listen((req, res) => {
    if (req.url === '/slow.gif') return setTimeout(() => res.writeHead(200, { 'content-type': 'image/gif' }).end(), 300);
    res.writeHead(200, { 'content-type': 'text/html' }).end(page);
  });
  const handler = createMessagingHandler({
    verifier: createVerifier(defineCommunity({ signedIdentities: 'reject', jwtKeys: [] })),
    allowedOrigins: [host.origin],
    basePath: '/chatq',
    logger: { warn() {} },
    ...(loaderScript && { loaderScript }),
    ...(panelScript && { panelScript }),
  });
  const chat = await listen(toNodeListener(handler));
  var page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Shop</h1>
<img src="/slow.gif" alt=""><script async src="${chat.origin}/chatq/loader.js"></script></body></html>`;
  const before = { bytes: [], script: [], task: [] };
  const clicks = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const tab = await context.newPage();
    const cdp = await context.newCDPSession(tab);
    await cdp.send('Performance.enable');
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await tab.goto(host.origin + '/', { waitUntil: 'load' });
    const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    // Cross-origin sizes are hidden from the page (no Timing-Allow-Origin): the names fetched before `load`, sized here.
    const names = await tab.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.startTime < performance.getEntriesByType('navigation')[0].loadEventStart).map((e) => new URL(e.name).pathname));
    before.bytes.push(names.reduce((n, name) => n + (sizes[name.replace('/chatq', '')] ?? 0), 0));
    before.script.push(metrics.ScriptDuration * 1000);
    before.task.push(metrics.TaskDuration * 1000);
    await tab.locator('chatq-messenger [part~="launcher"]').waitFor({ state: 'visible' });
    // Click before any idle prefetch could run: a new page, clicked as soon as the launcher shows.
    const cold = await context.newPage();
    const cdp2 = await context.newCDPSession(cold);
    await cdp2.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp2.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await cold.goto(host.origin + '/', { waitUntil: 'domcontentloaded' });
    await cold.locator('chatq-messenger [part~="launcher"]').waitFor({ state: 'visible' });
    const ms = await cold.evaluate(
      () =>
        new Promise((resolve) => {
          const root = document.querySelector('chatq-messenger').shadowRoot;
          const t0 = performance.now();
          root.querySelector('[part~="launcher"]').click();
          (function poll() {
            const input = root.querySelector('[part~="input"]');
            if (input && root.activeElement === input && input.getBoundingClientRect().height > 0) resolve(performance.now() - t0);
            else requestAnimationFrame(poll);
          })();
        }),
    );
    clicks.push(ms);
    await context.close();
  }
  console.log(
    `${label}: before load ${median(before.bytes)} B gzip of scripts from the chat server, script ${median(before.script).toFixed(1)} ms, ` +
      `tasks ${median(before.task).toFixed(1)} ms (main thread, whole page, CPU 4×); click → usable panel ${median(clicks).toFixed(1)} ms (median of ${RUNS}, cold cache)`,
  );
  chat.server.close();
  host.server.close();
  handler.close?.();
}

export async function run() {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  try {
    const loader = readFileSync(new URL('../dist/loader.js', import.meta.url), 'utf8');
    const panel = readFileSync(new URL('../dist/panel.js', import.meta.url), 'utf8');
    console.log(`loader.js ${gz(loader)} B gzip, panel.js ${gz(panel)} B gzip`);
    await measure(browser, 'two scripts (loader.js + lazy panel.js)', { '/loader.js': gz(loader), '/panel.js': gz(panel) });
    const old = process.env.CHATQ_OLD_LOADER;
    if (old) {
      const text = readFileSync(old, 'utf8');
      // A loader of a two-script build needs its own panel.js beside it (CHATQ_OLD_PANEL): the panel API is versioned.
      const oldPanel = process.env.CHATQ_OLD_PANEL && readFileSync(process.env.CHATQ_OLD_PANEL, 'utf8');
      console.log(`old loader ${gz(text)} B gzip${oldPanel ? `, its panel.js ${gz(oldPanel)} B gzip` : ''}`);
      const sizes = { '/loader.js': gz(text), ...(oldPanel && { '/panel.js': gz(oldPanel) }) };
      await measure(browser, oldPanel ? 'two scripts (old loader.js + its panel.js)' : 'one script (old loader.js)', sizes, text, oldPanel);
    }
  } finally {
    await browser.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
