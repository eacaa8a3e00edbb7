/**
 * panel/panel.ts, SPEC §5 "UI contract" and §10: the conversation panel the element's shell
 * lends a shadow root. It holds no chat state: it renders what it is handed and reports what
 * the visitor did as the element's events (`tell`). The element-level behaviour is
 * test/client/ui/element.test.ts; the panel's parts (counter, presence, typing, read,
 * unread) have their own files.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPanel } from '../../../src/client/panel/panel.js';
import type { MessageView, PanelHost, PanelView, Tell } from '../../../src/client/ui/panel-contract.js';
import { fakeHost } from './host.js';

afterEach(() => {
  document.body.innerHTML = '';
});

interface Made {
  view: PanelView;
  root: ShadowRoot;
  host: PanelHost;
  told: string[];
  /** What `tell` answers: false means a listener took the action over. */
  answer: { value: boolean };
  part(name: string): HTMLElement;
}

/** A panel in a connected shadow root, its events recorded. */
function make(options: { embedded?: boolean; locale?: string } = {}): Made {
  const { host } = fakeHost();
  if (options.embedded) (host as { embedded: boolean }).embedded = true;
  if (options.locale) host.strings.locale = options.locale;
  const element = document.createElement('div');
  document.body.append(element);
  const root = element.attachShadow({ mode: 'open' });
  const told: string[] = [];
  const answer = { value: true };
  const tell: Tell = (type, detail) => (told.push(`${type} ${JSON.stringify(detail)}`), answer.value);
  const view = createPanel(host, root, tell);
  return { view, root, host, told, answer, part: (name) => root.querySelector(`[part="${name}"]`)! };
}

const entry = (key: string, extra: Partial<MessageView> = {}): MessageView => ({ key, author: 'visitor', body: `body ${key}`, state: 'sent', ...extra });

function press(target: HTMLElement, key: string, shiftKey = false): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, shiftKey, bubbles: true, cancelable: true });
  target.dispatchEvent(event);
  return event;
}

const messages = (made: Made): HTMLElement[] => [...made.root.querySelectorAll<HTMLElement>('[part="message"]')];

describe('the panel’s frame', () => {
  it('starts hidden, labelled by its title, with every text in the widget’s language', () => {
    const made = make();
    const panel = made.part('panel');
    expect(panel.hidden).toBe(true);
    expect(made.root.getElementById('chatq-title')!.textContent).toBe('Chat');
    expect(panel.getAttribute('aria-labelledby')).toBe('chatq-title');
    expect(made.root.querySelector('.close')!.getAttribute('aria-label')).toBe('Close chat');
    expect((made.part('input') as HTMLTextAreaElement).placeholder).toBe('Write a message…');
    expect(made.part('send').textContent).toBe('Send');
    expect(made.part('messages').getAttribute('role')).toBe('log');
  });

  it('shows the host’s title and the greeting, and the default title again for an empty one', () => {
    const made = make();
    made.view.setTitle('Support');
    made.view.setGreeting('Ann');
    expect(made.part('title').textContent).toBe('Support');
    expect(made.root.querySelector('.greet')!.textContent).toBe('Hello Ann');
    made.view.setTitle('');
    expect(made.part('title').textContent).toBe('Chat');
  });

  it('is mirrored for a right-to-left locale', () => {
    expect(make({ locale: 'ar' }).part('panel').dir).toBe('rtl');
    expect(make({ locale: 'fr' }).part('panel').dir).toBe('ltr');
  });
});

describe('opening and closing', () => {
  it('shows a floating panel as a dialog with the focus in the composer, and hides it', () => {
    const made = make();
    made.view.show(true);
    expect(made.part('panel').hidden).toBe(false);
    expect(made.part('panel').getAttribute('role')).toBe('dialog');
    expect(made.root.activeElement).toBe(made.part('input'));
    made.view.show(false);
    expect(made.part('panel').hidden).toBe(true);
  });

  it('shows an embedded panel as a region of the page, leaving the focus where it is', () => {
    const made = make({ embedded: true });
    made.view.show(true);
    expect(made.part('panel').getAttribute('role')).toBe('region');
    expect(made.root.activeElement).toBeNull();
  });

  it('asks to close on Escape and the close button, and closes unless a listener takes it over', () => {
    const made = make();
    made.host.open = true;
    made.view.show(true);
    expect(press(made.part('input'), 'Escape').defaultPrevented).toBe(true);
    expect(made.told).toEqual(['chatq-toggle {"open":false}']);
    expect(made.host.open).toBe(false);
    made.host.open = true;
    made.answer.value = false;
    (made.root.querySelector('.close') as HTMLElement).click();
    expect(made.told).toEqual(['chatq-toggle {"open":false}', 'chatq-toggle {"open":false}']);
    expect(made.host.open).toBe(true);
  });

  it('ignores Escape when embedded: it is part of the page', () => {
    const made = make({ embedded: true });
    made.view.show(true);
    expect(press(made.part('input'), 'Escape').defaultPrevented).toBe(false);
    expect(made.told).toEqual([]);
  });
});

describe('sending', () => {
  it('sends on Enter and empties the composer; Shift+Enter is a new line', () => {
    const made = make();
    const input = made.part('input') as HTMLTextAreaElement;
    made.view.draft = 'hello';
    expect(press(input, 'Enter', true).defaultPrevented).toBe(false);
    expect(made.told).toEqual([]);
    press(input, 'Enter');
    expect(made.told).toEqual(['chatq-send {"text":"hello"}']);
    expect(made.view.draft).toBe('');
  });

  it('keeps the text when a listener takes the send over', () => {
    const made = make();
    made.answer.value = false;
    made.view.draft = 'keep me';
    made.part('composer').dispatchEvent(new Event('submit', { cancelable: true }));
    expect(made.told).toEqual(['chatq-send {"text":"keep me"}']);
    expect(made.view.draft).toBe('keep me');
  });

  it('sends nothing blank', () => {
    const made = make();
    made.view.draft = '  \n ';
    press(made.part('input'), 'Enter');
    expect(made.told).toEqual([]);
  });

  it('sends nothing while any reason blocks it, and disables the button until every one is lifted', () => {
    const made = make();
    const button = made.part('send') as HTMLButtonElement;
    made.view.blockSending('expired', true);
    made.view.blockSending('rate', true);
    made.view.draft = 'hi';
    press(made.part('input'), 'Enter');
    expect(made.told).toEqual([]);
    made.view.blockSending('expired', false);
    expect(button.disabled).toBe(true);
    made.view.blockSending('rate', false);
    expect(button.disabled).toBe(false);
    press(made.part('input'), 'Enter');
    expect(made.told).toEqual(['chatq-send {"text":"hi"}']);
  });
});

describe('messages', () => {
  it('shows each as text with its author for screen readers, in the order asked', () => {
    const made = make();
    made.view.renderEntry(entry('a', { author: 'agent', body: '<img src=x onerror=alert(1)>' }));
    made.view.renderEntry(entry('c', { body: 'third' }));
    made.view.renderEntry(entry('b', { author: 'system', body: 'second' }), 'c');
    const [first, second, third] = messages(made) as [HTMLElement, HTMLElement, HTMLElement];
    expect(messages(made).map((m) => m.dataset.key)).toEqual(['a', 'b', 'c']);
    expect(first.querySelector('img')).toBeNull();
    expect(first.querySelector('p')!.textContent).toBe('<img src=x onerror=alert(1)>');
    expect([first, second, third].map((m) => m.querySelector('.sr')!.textContent)).toEqual(['Agent: ', 'Info: ', 'You: ']);
  });

  it('shows sending, then a failed message with a Retry that asks to send it again', () => {
    const made = make();
    made.view.renderEntry(entry('c1', { state: 'sending' }));
    const node = messages(made)[0]!;
    expect(node.querySelector('.meta')!.textContent).toBe('Sending…');
    made.view.renderEntry(entry('c1', { state: 'failed' }));
    expect(messages(made)).toHaveLength(1);
    expect(node.dataset.state).toBe('failed');
    const retry = node.querySelector<HTMLButtonElement>('.meta button')!;
    expect(retry.textContent).toBe('Retry');
    retry.click();
    expect(made.told).toEqual(['chatq-retry {"key":"c1"}']);
    made.view.renderEntry(entry('c1'));
    expect((node.querySelector('.meta') as HTMLElement).hidden).toBe(true);
  });

  it('names the agent, with an https avatar sent no referrer, else the initial', () => {
    const made = make();
    made.view.renderEntry(entry('a', { author: 'agent', agent: { name: 'ann', avatarUrl: 'https://cdn.example/ann.png' } }));
    made.view.renderEntry(entry('b', { author: 'agent', agent: { name: 'bob', avatarUrl: 'http://cdn.example/bob.png' } }));
    const [a, b] = messages(made) as [HTMLElement, HTMLElement];
    const img = a.querySelector('img')!;
    expect(img.getAttribute('src')).toBe('https://cdn.example/ann.png');
    expect(img.getAttribute('referrerpolicy')).toBe('no-referrer');
    expect(a.querySelector('.sr')!.textContent).toBe('ann: ');
    expect(b.querySelector('img')).toBeNull();
    expect(b.querySelector('[part="avatar"]')!.textContent).toBe('B');
  });

  it('gives a message its time as a machine-readable datetime, and none without one', () => {
    const made = make();
    const at = Date.UTC(2026, 0, 1, 9, 30);
    made.view.renderEntry(entry('a', { createdAt: at }));
    made.view.renderEntry(entry('b'));
    const [a, b] = messages(made).map((m) => m.querySelector('time')!) as [HTMLTimeElement, HTMLTimeElement];
    expect(a.dateTime).toBe(new Date(at).toISOString());
    expect(a.hidden).toBe(false);
    expect(a.textContent).not.toBe('');
    expect(b.hidden).toBe(true);
  });

  it("writes the time of day as the locale writes it, at any hour: two-digit hours where the clock is 24 h", () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date(2026, 0, 1, 0, 30));
      const made = make({ locale: 'fr' });
      made.view.renderEntry(entry('a', { createdAt: new Date(2026, 0, 1, 0, 8).getTime() }));
      made.view.renderEntry(entry('b', { createdAt: new Date(2025, 11, 31, 9, 8).getTime() }));
      const [today, before] = messages(made).map((m) => m.querySelector('time')!.textContent);
      expect(today).toBe('00:08');
      expect(before).toMatch(/^31 déc\. 2025.* 09:08$/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('removes a message, moving the focus inside it to the composer', () => {
    const made = make();
    made.view.show(true);
    made.view.renderEntry(entry('c1', { state: 'failed' }));
    messages(made)[0]!.querySelector('button')!.focus();
    made.view.removeEntry('c1');
    expect(messages(made)).toHaveLength(0);
    expect(made.root.activeElement).toBe(made.part('input'));
  });

  it('marks the list busy while it loads', () => {
    const made = make();
    made.view.setBusy(true);
    expect(made.part('messages').getAttribute('aria-busy')).toBe('true');
    made.view.setBusy(false);
    expect(made.part('messages').getAttribute('aria-busy')).toBe('false');
  });
});

describe('notices', () => {
  it('shows one notice per kind, its text read when shown, with its action', () => {
    const made = make();
    let runs = 0;
    made.view.showNotice('offline', 'old');
    made.view.showNotice('offline', () => 'Connection lost. Reconnecting…');
    made.view.showNotice('session-expired', 'Expired.', { label: () => 'Refresh', run: () => void runs++ });
    const notices = [...made.root.querySelectorAll<HTMLElement>('[part="notice"]')];
    expect(notices.map((n) => `${n.dataset.kind} ${n.querySelector('p')!.textContent}`)).toEqual(['offline Connection lost. Reconnecting…', 'session-expired Expired.']);
    expect(notices[1]!.getAttribute('role')).toBe('alert');
    expect(notices[0]!.getAttribute('role')).toBeNull();
    const button = notices[1]!.querySelector('button')!;
    expect(button.textContent).toBe('Refresh');
    button.click();
    expect(runs).toBe(1);
  });

  it('hides a notice by kind, leaving the others', () => {
    const made = make();
    made.view.showNotice('offline', 'a');
    made.view.showNotice('rate-limited', 'b');
    made.view.hideNotice('offline');
    expect([...made.root.querySelectorAll<HTMLElement>('[part="notice"]')].map((n) => n.dataset.kind)).toEqual(['rate-limited']);
  });
});
