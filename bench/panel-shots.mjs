// `node bench/panel-shots.mjs [outDir]` (after `npm run build`): a PNG of every state of the
// widget (SPEC §10) at 1280×800 and at 390×844 (touch, scale 2), to be looked at. States: closed,
// open, preview card, agent typing, seen, offline + e-mail, failed (panel.js blocked), expired,
// dark, forced colours, right to left. Default outDir: /work/wt/shots. Not a test: nothing asserted.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { createMessagingHandler, createVerifier, defineCommunity } from '../dist/server.js';
import { toNodeListener } from '../dist/node.js';

const OUT = process.argv[2] ?? '/work/wt/shots';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const SIZES = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true },
};
const KEY = { id: 'shots', secret: randomBytes(32).toString('hex') };
const ALICE = { id: 'alice', name: 'Alice Martin', token: randomBytes(32).toString('base64url') };

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
function jwt(uuid, lifetime, extra = {}) {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: KEY.id })}.${b64({ uuid, iat: now, exp: now + lifetime, ...extra })}`;
  return `${input}.${createHmac('sha256', KEY.secret).update(input).digest('base64url')}`;
}

async function listen(handler) {
  const server = createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

const pages = new Map();
const host = await listen((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(pages.get(req.url.split('?')[0]) ?? 'not found'));
const handler = createMessagingHandler({
  verifier: createVerifier(defineCommunity({ signedIdentities: 'require', jwtKeys: [KEY], minTokenLifetime: 2, clockTolerance: 0 })),
  allowedOrigins: [host.origin],
  basePath: '/chatq',
  agents: [ALICE],
  replyTime: 'Usually replies within an hour',
  logger: { warn() {} },
});
const chat = await listen(toNodeListener(handler));
const base = `${chat.origin}/chatq`;

function hostPage(path, setup = '') {
  pages.set(path, `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title>
<style>body{font:16px system-ui;margin:0;padding:24px;background:#f6f3ee;color:#222}main{max-width:720px}.card{background:#fff;border-radius:8px;padding:16px;margin:12px 0}</style>
<script>var _chatq = [];${setup}</script></head><body><main><h1>Fine teas</h1>${'<div class="card"><h2>Sencha</h2><p>Grassy and bright. 50 g, €9.</p></div>'.repeat(4)}</main>
<script async src="${base}/loader.js"></script></body></html>`);
  return `${host.origin}${path}`;
}

const agent = (path, body) =>
  fetch(`${base}/agent/v1${path}`, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${ALICE.token}`, 'content-type': 'application/json' }, ...(body && { body: JSON.stringify(body) }) });

/** Alice's inbox is open: she is available until the returned function closes it. */
async function aliceOnline() {
  const controller = new AbortController();
  const response = await fetch(`${base}/agent/v1/stream`, { headers: { authorization: `Bearer ${ALICE.token}` }, signal: controller.signal });
  void response.body.pipeTo(new WritableStream()).catch(() => {});
  return () => controller.abort();
}

async function conversationOf(uuid) {
  for (;;) {
    const { conversations } = await (await agent('/conversations')).json();
    const found = conversations.find((c) => c.uuid === uuid);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const until = async (fn) => {
  for (let i = 0; i < 200; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`shots: waited too long for ${fn}`);
};

mkdirSync(OUT, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
let n = 0;

for (const [size, options] of Object.entries(SIZES)) {
  /** A signed-in visitor on a page with `setup`; `contextOptions` for dark, forced colours. */
  async function visit(name, { setup = '', contextOptions = {}, lifetime = 3600, blockPanel = false } = {}) {
    const context = await browser.newContext({ ...options, ...contextOptions });
    if (blockPanel) await context.route('**/panel.js', (route) => route.abort('connectionrefused'));
    const page = await context.newPage();
    const uuid = `shots-${size}-${name}-${n++}`;
    await page.goto(hostPage(`/${uuid}.html`, `${setup}_chatq.push(['_setSignedIdentity', ${JSON.stringify(jwt(uuid, lifetime, { screenname: 'Mia' }))}]);`));
    const el = page.locator('chatq-messenger');
    const launcher = el.locator('[part~="launcher"]');
    await launcher.waitFor({ state: 'visible' });
    const press = (locator) => (options.hasTouch ? locator.tap() : locator.click());
    const open = async () => {
      await press(launcher);
      await el.locator('[part~="panel"]').waitFor({ state: 'visible' });
    };
    const say = async (text) => {
      await el.locator('[part~="input"]').fill(text);
      await el.locator('[part~="send"]').click();
      await until(async () => (await el.locator('[part~="message"][data-state="sent"]').allTextContents()).some((t) => t.includes(text)));
    };
    const shot = (state) => page.screenshot({ path: join(OUT, `${size}-${state}.png`) });
    return { context, page, el, launcher, press, open, say, shot, uuid };
  }
  const offline = await (async () => {
    const v = await visit('offline');
    await v.open();
    await v.say('Do you ship to Norway?');
    await until(() => v.el.locator('[part~="email"]').isVisible());
    await v.el.locator('[part~="email"] input').fill('mia@example.test');
    await v.shot('offline-email');
    await v.context.close();
  })();
  void offline;

  const stop = await aliceOnline();
  try {
    {
      const v = await visit('main');
      await v.shot('closed');
      await v.open();
      await v.say('Hello! Where is my order #1042?');
      const conversation = await conversationOf(v.uuid);
      await agent(`/conversations/${conversation.id}/messages`, { body: 'Hi Mia, it left today: https://track.example.test/1042', clientId: randomBytes(9).toString('base64url') });
      await until(async () => (await v.el.locator('[part~="message"][data-author="agent"]').count()) === 1);
      await v.shot('open');
      await agent(`/conversations/${conversation.id}/typing`, {});
      await until(() => v.el.locator('[part~="typing"]').isVisible());
      await v.shot('agent-typing');
      await v.say('Thanks!');
      const { lastSeq } = await conversationOf(v.uuid);
      await agent(`/conversations/${conversation.id}/read`, { seq: lastSeq });
      await until(() => v.el.locator('.seen').isVisible());
      await v.shot('seen');
      // Closed, then Alice answers: the preview card.
      await v.press(options.isMobile ? v.el.locator('.close') : v.launcher);
      await agent(`/conversations/${conversation.id}/messages`, { body: 'You are welcome! Anything else I can help with today?', clientId: randomBytes(9).toString('base64url') });
      await until(() => v.el.locator('[part~="preview"]').isVisible());
      await v.shot('preview');
      await v.context.close();
    }
    {
      const v = await visit('failed', { blockPanel: true });
      await v.press(v.launcher);
      await until(async () => (await v.el.locator('.status').textContent()) !== '');
      await v.shot('failed');
      await v.context.close();
    }
    {
      const v = await visit('expired', { lifetime: 4 });
      await v.open();
      await until(() => v.el.locator('[part~="notice"][data-kind="session-expired"]').isVisible());
      await v.el.locator('[part~="input"]').fill('typed while expired');
      await v.shot('expired');
      await v.context.close();
    }
    for (const [state, extra] of [
      ['dark', { contextOptions: { colorScheme: 'dark' } }],
      ['forced-colors', { contextOptions: { forcedColors: 'active' } }],
      ['rtl', { setup: "_chatq.push(['_setConfiguration', { locale: 'ar' }]);" }],
      ['left-brand', { setup: "_chatq.push(['_setConfiguration', { position: 'left' }]);document.documentElement.style.setProperty('--chatq-accent','#0f6e4f');" }],
    ]) {
      const v = await visit(state, extra);
      await v.open();
      await v.say(state === 'rtl' ? 'مرحبا، أين طلبي؟' : 'Is the sencha in stock?');
      const conversation = await conversationOf(v.uuid);
      await agent(`/conversations/${conversation.id}/messages`, { body: state === 'rtl' ? 'نعم، تم شحن طلبك اليوم. Order #1042' : 'Yes, 40 tins left.', clientId: randomBytes(9).toString('base64url') });
      await until(async () => (await v.el.locator('[part~="message"][data-author="agent"]').count()) === 1);
      await v.shot(state);
      await v.context.close();
    }
  } finally {
    stop();
  }
}

await browser.close();
chat.server.closeAllConnections();
chat.server.close();
host.server.close();
console.log(`shots: ${OUT}`);
