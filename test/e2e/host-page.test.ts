/**
 * What a real host page throws at the widget (SPEC §5 "UI contract"): a strict
 * Content-Security-Policy with no 'unsafe-inline', shop-theme CSS such as
 * `*:empty { display: none !important }` and aggressive resets, and an
 * accessibility audit (axe-core) of the open widget.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { AXE_PATH, asyncSnippet, describeBrowser, jwtFor, messageTexts, sendAsVisitor, useStage } from './harness.js';

const HOSTILE_CSS = `
*:empty { display: none !important; }
*, *::before, *::after { margin: 0 !important; padding: 0 !important; border: 0 !important; box-sizing: content-box !important; }
html { font-size: 6px; line-height: 0; }
body { font: 0/0 serif; color: transparent; text-transform: uppercase; letter-spacing: 6px; text-align: right; white-space: nowrap; cursor: none; }
div, section, span, p, form, button, textarea, input { display: none !important; }
button { all: unset; }
[hidden] { display: block !important; }
`;

describeBrowser('the widget on a demanding host page', () => {
  const stage = useStage();

  it('works under a strict CSP (no unsafe-inline) with no violation', async () => {
    const { host, chat } = stage;
    const csp = `default-src 'self'; script-src 'self' ${chat.origin}; style-src 'self'; connect-src ${chat.origin}`;
    host.route('/probe.js', {
      type: 'text/javascript',
      body: `window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
});`,
    });
    host.route('/setup.js', {
      type: 'text/javascript',
      body: `var _chatq = window._chatq || [];\n${asyncSnippet(chat.loaderUrl)}`,
    });
    host.route('/strict.html', {
      headers: { 'content-security-policy': csp },
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Strict shop</title>
<script src="/probe.js"></script><script src="/setup.js"></script></head>
<body><main><h1>Strict shop</h1></main></body></html>`,
    });
    const { page, probe, w } = await stage.visitSignedIn('/strict.html', jwtFor('csp-1'));
    await sendAsVisitor(page, 'hello under CSP');
    const conv = await chat.agent.waitFor((c) => c.uuid === 'csp-1' && c.messages.length > 0);
    await chat.agent.reply(conv.id, 'reply under CSP');
    await expect.poll(() => messageTexts(page), { timeout: 10_000 }).toEqual(['hello under CSP', 'reply under CSP']);

    // Styled, not unstyled: constructable stylesheets apply under style-src 'self'.
    expect(await w.element.evaluate((el) => getComputedStyle(el).position)).toBe('fixed');
    expect(await w.launcher.evaluate((el) => getComputedStyle(el).borderRadius)).not.toBe('0px');
    expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
    expect(probe.consoleAll.filter((m) => /Content Security Policy|Refused to/i.test(m))).toEqual([]);
    expect(probe.pageErrors).toEqual([]);
  });

  it('host CSS (*:empty hiding, aggressive resets, inherited fonts) neither hides nor breaks it', async () => {
    stage.hostPage('/hostile.html', { head: `<style>${HOSTILE_CSS}</style>` });
    const { page, probe, w } = await stage.visitSignedIn('/hostile.html', jwtFor('css-1'));
    const launcherBox = await w.launcher.boundingBox();
    expect(launcherBox!.width).toBeGreaterThanOrEqual(24);
    expect(launcherBox!.height).toBeGreaterThanOrEqual(24);

    await w.launcher.click();
    await expect.poll(() => w.panel.isVisible()).toBe(true);
    expect(await w.input.isVisible()).toBe(true);
    expect(await w.send.isVisible()).toBe(true);
    await sendAsVisitor(page, 'still readable');
    await expect.poll(() => messageTexts(page)).toEqual(['still readable']);
    const style = await w.bodies.first().evaluate((el) => {
      const s = getComputedStyle(el);
      return { fontSize: parseFloat(s.fontSize), transform: s.textTransform, color: s.color, letterSpacing: s.letterSpacing };
    });
    expect(style.fontSize).toBeGreaterThanOrEqual(10);
    expect(style.transform).toBe('none');
    expect(style.color).not.toBe('rgba(0, 0, 0, 0)');
    expect(style.letterSpacing).not.toBe('6px');
    const messageBox = await w.bodies.first().boundingBox();
    expect(messageBox!.height).toBeGreaterThan(0);
    expect(probe.pageErrors).toEqual([]);
  });

  it('axe-core finds no accessibility violation in the open widget', async () => {
    const { chat } = stage;
    stage.hostPage('/a11y.html', { setup: `_chatq.push(['_addMessage', { body: 'Hello, how can I help?', agent: true }]);` });
    const { page, w } = await stage.visitSignedIn('/a11y.html', jwtFor('a11y-1', 3600, { firstname: 'Grace' }));

    const audit = async () => {
      await page.addScriptTag({ content: readFileSync(AXE_PATH, 'utf8') });
      return page.evaluate(async () => {
        type Result = { violations: { id: string; help: string; nodes: { target: unknown }[] }[] };
        const axe = (window as unknown as { axe: { run(ctx: unknown): Promise<Result> } }).axe;
        const result = await axe.run({ include: [['chatq-messenger']] });
        return result.violations.map((v) => `${v.id}: ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`);
      });
    };
    expect(await audit()).toEqual([]); // closed: the launcher alone

    await sendAsVisitor(page, 'I need help');
    const conv = await chat.agent.waitFor((c) => c.uuid === 'a11y-1' && c.messages.length > 0);
    await chat.agent.reply(conv.id, 'Sure!');
    await expect.poll(() => messageTexts(page), { timeout: 10_000 }).toContain('Sure!');
    expect(await audit()).toEqual([]); // open, with visitor and agent messages

    // Keyboard: Escape closes the floating panel and focus returns to the launcher.
    await w.input.focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => w.panel.isVisible()).toBe(false);
    await expect.poll(() => w.launcher.evaluate((el) => el.getRootNode() instanceof ShadowRoot && (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
  });
});
