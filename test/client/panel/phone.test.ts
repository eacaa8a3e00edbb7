/**
 * panel/phone.ts, SPEC §10 "Phones": while the floating panel is open on a narrow screen the
 * page behind does not scroll, the panel follows the visual viewport (the on-screen
 * keyboard), and Tab stays in the panel.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { phoneMode } from '../../../src/client/panel/phone.js';

/** What the page's width makes of a media query, as the browser answers (the breakpoint is panel/styles.ts's). */
let narrow = true;
const queries: string[] = [];
/** The visual viewport, which happy-dom lacks: its height and its resize events. */
let viewport: EventTarget & { height: number };

beforeEach(() => {
  narrow = true;
  queries.length = 0;
  vi.stubGlobal('matchMedia', (query: string) => (queries.push(query), { matches: narrow && query === '(max-width: 639.98px)', media: query }));
  viewport = Object.assign(new EventTarget(), { height: 500 });
  Object.defineProperty(window, 'visualViewport', { value: viewport, configurable: true });
  // Layout, which happy-dom has none of: a control is shown (has an offsetParent) unless hidden.
  Object.defineProperty(HTMLElement.prototype, 'offsetParent', { get(this: HTMLElement) { return this.closest('[hidden]') ? null : this.parentElement; }, configurable: true });
});
afterEach(() => {
  delete (window as unknown as Record<string, unknown>).visualViewport;
  delete (HTMLElement.prototype as unknown as Record<string, unknown>).offsetParent;
  document.documentElement.style.overflow = '';
  document.body.innerHTML = '';
  vi.unstubAllGlobals();
});

/** A panel with a close button, the input, a send button and a hidden button last, in a shadow root. */
function panelIn(): { panel: HTMLElement; root: ShadowRoot; buttons: HTMLElement[] } {
  const host = document.createElement('div');
  document.body.append(host);
  const root = host.attachShadow({ mode: 'open' });
  const panel = document.createElement('section');
  panel.innerHTML = '<button class="close">×</button><textarea></textarea><button class="send">Send</button><button hidden>x</button>';
  root.append(panel);
  return { panel, root, buttons: [...panel.querySelectorAll<HTMLElement>('button:not([hidden]),textarea')] };
}

function tab(panel: HTMLElement, shiftKey = false): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key: 'Tab', shiftKey, bubbles: true, cancelable: true });
  panel.dispatchEvent(event);
  return event;
}

describe('on a narrow screen', () => {
  it('stops the page behind from scrolling, and gives it back its own overflow after', () => {
    document.documentElement.style.overflow = 'scroll';
    const { panel, root } = panelIn();
    const phone = phoneMode(panel, root);
    phone.start();
    expect(queries).toContain('(max-width: 639.98px)');
    expect(document.documentElement.style.overflow).toBe('hidden');
    phone.start();
    phone.stop();
    expect(document.documentElement.style.overflow).toBe('scroll');
  });

  it('makes the panel as tall as the visual viewport, following the keyboard, until stopped', () => {
    const { panel, root } = panelIn();
    const phone = phoneMode(panel, root);
    phone.start();
    expect(panel.style.getPropertyValue('--chatq-vh')).toBe('500px');
    viewport.height = 320;
    viewport.dispatchEvent(new Event('resize'));
    expect(panel.style.getPropertyValue('--chatq-vh')).toBe('320px');
    phone.stop();
    expect(panel.style.getPropertyValue('--chatq-vh')).toBe('');
    viewport.dispatchEvent(new Event('resize'));
    expect(panel.style.getPropertyValue('--chatq-vh')).toBe('');
  });

  it('keeps Tab in the panel: from the last control to the first, Shift+Tab from the first to the last', () => {
    const { panel, root, buttons } = panelIn();
    const [first, , last] = buttons as [HTMLElement, HTMLElement, HTMLElement];
    phoneMode(panel, root).start();
    last.focus();
    expect(tab(panel).defaultPrevented).toBe(true);
    expect(root.activeElement).toBe(first);
    expect(tab(panel, true).defaultPrevented).toBe(true);
    expect(root.activeElement).toBe(last);
  });

  it('lets Tab move on normally inside the panel, and other keys alone', () => {
    const { panel, root, buttons } = panelIn();
    phoneMode(panel, root).start();
    buttons[1]!.focus();
    expect(tab(panel).defaultPrevented).toBe(false);
    expect(tab(panel, true).defaultPrevented).toBe(false);
    buttons[2]!.focus();
    const key = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true });
    panel.dispatchEvent(key);
    expect(key.defaultPrevented).toBe(false);
    expect(root.activeElement).toBe(buttons[2]);
  });

  it('no longer holds Tab once stopped', () => {
    const { panel, root, buttons } = panelIn();
    const phone = phoneMode(panel, root);
    phone.start();
    phone.stop();
    buttons[2]!.focus();
    expect(tab(panel).defaultPrevented).toBe(false);
  });
});

describe('on a wide screen', () => {
  it('changes nothing', () => {
    narrow = false;
    const { panel, root, buttons } = panelIn();
    phoneMode(panel, root).start();
    expect(document.documentElement.style.overflow).toBe('');
    expect(panel.style.getPropertyValue('--chatq-vh')).toBe('');
    buttons[2]!.focus();
    expect(tab(panel).defaultPrevented).toBe(false);
  });
});
