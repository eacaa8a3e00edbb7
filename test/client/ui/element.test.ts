/**
 * `<chatq-messenger>` as a component (issue 12 item 2; STYLE: the @github/*-element
 * sense): attributes and properties in (`open`, `embedded`, `lang`, the view model), DOM
 * events out (`chatq-toggle`, `chatq-send`, `chatq-retry`), and no messenger, server or
 * session needed to render. Driven as a page would drive it: HTML, attributes, clicks, keys.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { defineMessengerElement } from '../../../src/client/index.js';
import type { ChatqMessengerElement } from '../../../src/client/ui/element.js';
import type { PanelFactory } from '../../../src/client/ui/panel-contract.js';
import { panels } from '../../../src/client/ui/panel-source.js';

beforeAll(() => defineMessengerElement());
afterEach(() => {
  document.body.replaceChildren();
});

const part = (el: ChatqMessengerElement, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`)!;

function place(html: string): ChatqMessengerElement {
  document.body.innerHTML = html;
  return document.querySelector('chatq-messenger')!;
}

/** Every chatq-* event that reaches the document (they bubble), as `type detail`. */
function record(): string[] {
  const seen: string[] = [];
  for (const type of ['chatq-toggle', 'chatq-send', 'chatq-retry']) {
    document.addEventListener(type, (event) => seen.push(`${type} ${JSON.stringify((event as CustomEvent).detail)}`));
  }
  return seen;
}

describe('rendered from its attributes alone', () => {
  it('<chatq-messenger embedded open lang="fr"> shows its panel with French labels', () => {
    const el = place('<chatq-messenger embedded open lang="fr"></chatq-messenger>');
    expect(el.open).toBe(true);
    expect(el.embedded).toBe(true);
    expect(part(el, 'panel').hidden).toBe(false);
    expect(part(el, 'panel').getAttribute('role')).toBe('region');
    expect(part(el, 'send').textContent).toBe('Envoyer');
    expect(part(el, 'input').getAttribute('placeholder')).toBe('Écrivez un message…');
    // Embedded: no launcher, even when the view model offers one.
    el.launcher = true;
    expect(part(el, 'launcher').hidden).toBe(true);
  });

  it('lang changes every label at once; removing open hides the panel', () => {
    const el = place('<chatq-messenger embedded open lang="fr"></chatq-messenger>');
    el.lang = 'en';
    expect(part(el, 'send').textContent).toBe('Send');
    expect(part(el, 'messages').getAttribute('aria-label')).toBe('Conversation');
    el.removeAttribute('open');
    expect(el.open).toBe(false);
    expect(part(el, 'panel').hidden).toBe(true);
  });
});

describe('events out', () => {
  it('the launcher asks to open with chatq-toggle; unless a listener takes over, the element opens and focuses the input', () => {
    const seen = record();
    const el = place('<chatq-messenger lang="en"></chatq-messenger>');
    el.launcher = true;
    el.unread = 2;
    expect(part(el, 'launcher').getAttribute('aria-label')).toBe('Open chat (2 unread)');
    part(el, 'launcher').click();
    expect(seen).toEqual(['chatq-toggle {"open":true}']);
    expect(el.hasAttribute('open')).toBe(true);
    expect(part(el, 'panel').getAttribute('role')).toBe('dialog');
    expect(part(el, 'launcher').getAttribute('aria-expanded')).toBe('true');
    expect(el.shadowRoot!.activeElement).toBe(part(el, 'input'));
    // Opening clears the unread badge.
    expect(part(el, 'launcher').getAttribute('aria-label')).toBe('Open chat');

    part(el, 'panel').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(seen).toEqual(['chatq-toggle {"open":true}', 'chatq-toggle {"open":false}']);
    expect(el.open).toBe(false);
    expect(el.shadowRoot!.activeElement).toBe(part(el, 'launcher'));
  });

  it('a listener that calls preventDefault() decides instead (the messenger does)', () => {
    const el = place('<chatq-messenger></chatq-messenger>');
    el.launcher = true;
    el.addEventListener('chatq-toggle', (event) => event.preventDefault());
    part(el, 'launcher').click();
    expect(el.open).toBe(false);
    expect(part(el, 'panel').hidden).toBe(true);
  });

  it('the composer sends chatq-send with the text: taken, the input clears; refused (preventDefault), the text stays', () => {
    const seen = record();
    const el = place('<chatq-messenger embedded open></chatq-messenger>');
    const input = part(el, 'input') as HTMLTextAreaElement;
    input.value = 'hello';
    part(el, 'composer').dispatchEvent(new Event('submit', { cancelable: true }));
    expect(seen).toEqual(['chatq-send {"text":"hello"}']);
    expect(input.value).toBe('');

    const refuse = vi.fn((event: Event) => event.preventDefault());
    el.addEventListener('chatq-send', refuse);
    input.value = 'kept';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    expect(refuse).toHaveBeenCalledTimes(1);
    expect(input.value).toBe('kept');

    // Blocked (a lapsed session, a rate limit): nothing is sent, the text stays.
    el.blockSending('expired', true);
    part(el, 'composer').dispatchEvent(new Event('submit', { cancelable: true }));
    expect(refuse).toHaveBeenCalledTimes(1);
    expect((part(el, 'send') as HTMLButtonElement).disabled).toBe(true);
  });

  it('a failed message offers Retry, which sends chatq-retry with its key', () => {
    const seen = record();
    const el = place('<chatq-messenger embedded open lang="en"></chatq-messenger>');
    el.renderEntry({ key: 'c1', author: 'visitor', body: '<b>hi</b>', state: 'failed' });
    const message = part(el, 'message');
    expect(message.dataset.state).toBe('failed');
    expect(message.querySelector('p')!.textContent).toBe('<b>hi</b>');
    expect(message.querySelector('b')).toBeNull();
    const retry = message.querySelector('button')!;
    expect(retry.textContent).toBe('Retry');
    retry.click();
    expect(seen).toEqual(['chatq-retry {"key":"c1"}']);
    el.renderEntry({ key: 'c1', author: 'visitor', body: '<b>hi</b>', state: 'sent' });
    expect(part(el, 'message').querySelector('button')).toBeNull();
    el.removeEntry('c1');
    expect(el.shadowRoot!.querySelectorAll('[part~="message"]')).toHaveLength(0);
  });
});

describe('before the panel is there (loader.js fetches panel.js when needed)', () => {
  it('the element is a launcher only; the panel lends it the view model when made, with a heading set before carried over', async () => {
    const bundled = panels.bundled!;
    let deliver!: (create: PanelFactory) => void;
    const arriving = new Promise<PanelFactory>((resolve) => (deliver = resolve));
    panels.bundled = undefined;
    panels.script = () => arriving;
    try {
      const el = document.createElement('chatq-messenger');
      document.body.append(el);
      // The conversation's feed waits for the panel's half (test/client/conversation/shown.test.ts), not the element.
      expect(el.renderEntry).toBeUndefined();
      expect(el.showNotice).toBeUndefined();
      el.heading = 'Support';
      expect(el.shadowRoot!.querySelector('[part~="panel"]')).toBeNull();
      el.launcher = true;
      part(el, 'launcher').click();
      deliver(bundled);
      await arriving;
      await Promise.resolve();
      expect(part(el, 'panel').hidden).toBe(false);
      expect(part(el, 'title').textContent).toBe('Support');
      el.renderEntry({ key: 'a', author: 'agent', body: 'first', state: 'sent' });
      el.renderEntry({ key: 'b', author: 'visitor', body: 'second', state: 'sending' });
      el.renderEntry({ key: 'b', author: 'visitor', body: 'second', state: 'sent' });
      const messages = [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="message"]')];
      expect(messages.map((m) => `${m.dataset.key} ${m.dataset.state} ${m.querySelector('p')!.textContent}`)).toEqual(['a sent first', 'b sent second']);
      el.showNotice('offline', 'Connection lost. Reconnecting…');
      expect(el.shadowRoot!.querySelector('[data-kind="offline"] p')!.textContent).toBe('Connection lost. Reconnecting…');
      el.draft = 'typed';
      expect((part(el, 'input') as HTMLTextAreaElement).value).toBe('typed');
      expect(el.draft).toBe('typed');
      el.heading = 'Help';
      expect(part(el, 'title').textContent).toBe('Help');
    } finally {
      panels.bundled = bundled;
      panels.script = undefined;
    }
  });
});
