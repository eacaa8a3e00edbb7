// `node bench/panel-open.mjs` (after `npm run build`): where the time from a click on the launcher to
// a usable panel goes (SPEC §10; the total is bench/panel.mjs's), in Chromium on loopback with the
// CPU slowed 4× (CDP Emulation.setCPUThrottlingRate), a new context (cold cache) each run:
//   cold  the visitor clicks before the page's `load` (a 10 s image holds it), so panel.js is
//         fetched on the click: the request, the response, the panel in the shadow root, usable;
//   idle  the visitor clicks after the idle prefetch attached the panel: only showing it is left.
// Usable: the input has the focus and a size. Medians, printed, never asserted (noisy machines).
// CHATQ_OLD_PANEL=path: the same runs with that panel.js too (a previous build of it, beside this
// loader.js: same PANEL_API), and the ratios.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { createMessagingHandler, createVerifier, defineCommunity } from '../dist/server.js';
import { toNodeListener } from '../dist/node.js';

const RUNS = Number(process.env.RUNS ?? 9);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

async function listen(handler) {
  const server = createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Clicks the launcher and times, from the click: panel.js requested and received, the panel attached, usable. */
function clickAndTime() {
  return new Promise((resolve) => {
    const root = document.querySelector('chatq-messenger').shadowRoot;
    const has = () => root.querySelector('[part~="panel"]');
    let attached = has() ? 0 : undefined;
    const t0 = performance.now();
    new MutationObserver(() => (attached ??= has() ? performance.now() - t0 : undefined)).observe(root, { childList: true });
    root.querySelector('[part~="launcher"]').click();
    const click = performance.now() - t0;
    (function poll() {
      const input = root.querySelector('[part~="input"]');
      if (!input || root.activeElement !== input || !input.getBoundingClientRect().height) return requestAnimationFrame(poll);
      const usable = performance.now() - t0;
      const script = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/panel.js'));
      resolve({ click, requested: script.startTime - t0, received: script.responseEnd - t0, attached, usable });
    })();
  });
}

/** Medians of `RUNS` clicks per mode, with `panelScript` served as panel.js. */
async function measure(browser, panelScript) {
  const host = await listen((req, res) => {
    if (req.url === '/slow.gif') return setTimeout(() => res.writeHead(200, { 'content-type': 'image/gif' }).end(), 10_000).unref();
    res.writeHead(200, { 'content-type': 'text/html' }).end(page);
  });
  const handler = createMessagingHandler({
    verifier: createVerifier(defineCommunity({ signedIdentities: 'reject', jwtKeys: [] })),
    allowedOrigins: [host.origin],
    basePath: '/chatq',
    logger: { warn() {} },
    // The scripts in dist/ as they are now (the server bundle carries the ones of its own build).
    loaderScript: readFileSync(new URL('../dist/loader.js', import.meta.url), 'utf8'),
    panelScript,
  });
  const chat = await listen(toNodeListener(handler));
  var page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Shop</h1>
<img src="/slow.gif" alt=""><script async src="${chat.origin}/chatq/loader.js"></script></body></html>`;
  const result = {};
  try {
    for (const mode of ['cold', 'idle']) {
      const rows = [];
      for (let i = 0; i < RUNS; i++) {
        const context = await browser.newContext();
        const tab = await context.newPage();
        const cdp = await context.newCDPSession(tab);
        await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
        await tab.goto(host.origin + '/', { waitUntil: mode === 'cold' ? 'domcontentloaded' : 'load' });
        await tab.locator('chatq-messenger [part~="launcher"]').waitFor({ state: 'visible' });
        if (mode === 'idle') await tab.waitForFunction(() => document.querySelector('chatq-messenger').shadowRoot.querySelector('[part~="panel"]'));
        if (mode === 'cold' && (await tab.evaluate(() => document.readyState)) === 'complete') throw new Error('the page loaded before the click');
        rows.push(await tab.evaluate(clickAndTime));
        await context.close();
      }
      result[mode] = Object.fromEntries(Object.keys(rows[0]).map((key) => [key, median(rows.map((row) => row[key]))]));
    }
  } finally {
    chat.server.close();
    host.server.close();
    handler.close?.();
  }
  return result;
}

const print = (label, { cold, idle }) =>
  console.log(
    `${label}: cold (fetched on the click): click handler ${cold.click.toFixed(1)} ms, panel.js requested at ${cold.requested.toFixed(1)} ms, ` +
      `received ${cold.received.toFixed(1)} ms, panel attached ${cold.attached.toFixed(1)} ms, usable ${cold.usable.toFixed(1)} ms; ` +
      `idle (prefetched after load): click handler ${idle.click.toFixed(1)} ms, usable ${idle.usable.toFixed(1)} ms`,
  );

export async function run() {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  try {
    const now = await measure(browser, readFileSync(new URL('../dist/panel.js', import.meta.url), 'utf8'));
    print('this panel.js', now);
    const old = process.env.CHATQ_OLD_PANEL;
    if (old) {
      const before = await measure(browser, readFileSync(old, 'utf8'));
      print('old panel.js', before);
      console.log(`usable, this / old: cold ${(now.cold.usable / before.cold.usable).toFixed(2)}, idle ${(now.idle.usable / before.idle.usable).toFixed(2)}`);
    }
  } finally {
    await browser.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
