/**
 * `<chatq-messenger>` details a visitor notices (SPEC §5 "UI contract"): the
 * launcher icon needs no emoji font, and new messages never pull a visitor
 * away from what they scrolled back to read.
 */
import { describe, expect, it } from 'vitest';
import { flush, part, setup, token, typeAndSend, useCleanPage } from './helpers.js';

useCleanPage();

describe('the launcher icon', () => {
  it('is an inline SVG hidden from screen readers; the button keeps its translated label and has no text glyph', async () => {
    const { chat, root } = await setup({ locale: 'fr' });
    await chat.setIdentity(token());
    const launcher = part(root, 'launcher');
    const icons = launcher.querySelectorAll('svg');
    expect(icons).toHaveLength(1);
    const icon = icons[0]!;
    expect(icon.namespaceURI).toBe('http://www.w3.org/2000/svg');
    expect(icon.getAttribute('aria-hidden')).toBe('true');
    expect(icon.getAttribute('viewBox')).toBe('0 0 24 24');
    expect(icon.querySelector('path')?.getAttribute('d')).toMatch(/^M[\d\s.hvHVaAlLzZ-]+$/);
    // No emoji or other text: a page without an emoji font must not show a box.
    expect(launcher.textContent).toBe('');
    expect(launcher.getAttribute('aria-label')).toBe('Ouvrir le chat');
  });
});

/** Gives the happy-dom list a geometry: each message 100 px tall, a 300 px viewport. */
function withGeometry(list: HTMLElement): { scrollTop: number; readonly max: number } {
  let scrollTop = 0;
  const height = () => list.children.length * 100;
  Object.defineProperty(list, 'scrollHeight', { configurable: true, get: height });
  Object.defineProperty(list, 'clientHeight', { configurable: true, get: () => 300 });
  Object.defineProperty(list, 'scrollTop', {
    configurable: true,
    get: () => scrollTop,
    set: (value: number) => (scrollTop = Math.max(0, Math.min(value, height() - 300))),
  });
  return {
    get scrollTop() {
      return scrollTop;
    },
    set scrollTop(value) {
      list.scrollTop = value;
    },
    get max() {
      return Math.max(0, height() - 300);
    },
  };
}

describe('scrolling when messages arrive', () => {
  async function chatWithHistory() {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token());
    await flush(); // history loaded, stream open
    chat.open();
    for (let i = 0; i < 6; i++) await server.agentSays('visitor-1', `old ${i}`);
    await flush();
    const list = withGeometry(part(root, 'messages'));
    return { server, root, list };
  }

  it('follows an incoming message when the visitor is at the bottom', async () => {
    const { server, list } = await chatWithHistory();
    list.scrollTop = list.max;
    await server.agentSays('visitor-1', 'new reply');
    await flush();
    expect(list.scrollTop).toBe(list.max);
    expect(list.max).toBe(400);
  });

  it('follows when the visitor is near the bottom (within a few lines of pixels)', async () => {
    const { server, list } = await chatWithHistory();
    list.scrollTop = list.max - 30;
    await server.agentSays('visitor-1', 'new reply');
    await flush();
    expect(list.scrollTop).toBe(list.max);
  });

  it('stays put when the visitor scrolled up to reread', async () => {
    const { server, list } = await chatWithHistory();
    list.scrollTop = 50;
    await server.agentSays('visitor-1', 'new reply');
    await flush();
    expect(list.scrollTop).toBe(50);
  });

  it("always shows the visitor's own new message, even scrolled up", async () => {
    const { root, list } = await chatWithHistory();
    list.scrollTop = 50;
    typeAndSend(root, 'my question');
    await flush();
    expect(list.scrollTop).toBe(list.max);
    expect(list.max).toBe(400);
  });
});
