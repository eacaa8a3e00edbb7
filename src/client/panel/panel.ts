import type { Strings, TranslationKey } from '../support/i18n.js';
import { fromDocument } from '../support/document.js';
import { h } from '../ui/dom.js';
import type { MessageView, NoticeKind, PanelHost, PanelView, Tell, Text } from '../ui/panel-contract.js';
import { composerCounter } from './counter.js';
import { linkify } from './linkify.js';
import { phoneMode } from './phone.js';
import { presenceView } from './presence.js';
import { readReceipts } from './read.js';
import { capName, isRtl, PANEL_STRINGS } from './strings.js';
import { adoptPanelStyles } from './styles.js';
import { typingView } from './typing.js';
import { unreadView } from './unread.js';
import { warmWhenIdle } from './warm.js';

const withPanelTexts = new WeakSet<Strings>();

const httpsUrl = (url: string | undefined): boolean => {
  try {
    return new URL(url!).protocol === 'https:';
  } catch {
    return false;
  }
};

/** A notice's text, read when it is shown (its texts may have come with the panel: panel/notices.ts). */
const readText = (text: Text): string => (typeof text === 'string' ? text : text());

/** How close to the end of the list still counts as "reading the latest" (px). */
const NEAR_BOTTOM = 48;

/**
 * The conversation panel (SPEC §5 UI contract, §10): header, messages, notices and composer,
 * in the shadow root the element's shell lends it (`root`). It holds no chat state: the shell
 * hands it the view model and it sends back what the visitor did as the element's events.
 * Built into the ESM build and into `panel.js` (panel/entry.ts).
 */
export function createPanel(host: PanelHost, root: ShadowRoot, tell: Tell): PanelView {
  /** The visitor asked to open or close: unless a listener takes that over, the element does it. */
  const toggle = (open: boolean): void => {
    if (tell('chatq-toggle', { open })) host.open = open;
  };
  adoptPanelStyles(root);
  const t = (key: TranslationKey, params?: Record<string, string | number>): string => {
    // The messenger may hand the element other strings (its own, with the host's translations): each gets the panel's.
    const strings = host.strings;
    if (!withPanelTexts.has(strings)) {
      strings.add(PANEL_STRINGS, true);
      withPanelTexts.add(strings);
    }
    return strings.t(key, params);
  };
  const rendered = new Map<string, HTMLElement>();
  const blocks = new Set<string>();
  let greetName = '';
  let title = '';

  const heading = h('h2', { id: 'chatq-title', part: 'title' });
  const greeting = h('p', { class: 'greet' });
  const closer = h('button', { type: 'button', class: 'close' }, '\u00D7');
  const list = h('div', { part: 'messages', role: 'log', 'aria-live': 'polite', tabindex: '0' });
  // One live region from the start: notices added into it are announced (a region created filled is not).
  const notices = h('div', { role: 'status' });
  const input = h('textarea', { part: 'input', rows: '2', dir: 'auto' }) as HTMLTextAreaElement;
  const sendButton = h('button', { part: 'send', type: 'submit' }) as HTMLButtonElement;
  const composer = h('form', { part: 'composer' }, input, sendButton);
  const counter = composerCounter(host, input);
  const presence = presenceView(host, t);
  const typing = typingView(host, t, input);
  const read = readReceipts(host, t, list);
  const unread = unreadView(host, root, t, () => toggle(true));
  const panel = h('section', { part: 'panel', id: 'chatq-panel', 'aria-labelledby': 'chatq-title', hidden: '' },
    h('div', { part: 'header' }, h('div', { class: 'who' }, heading, presence.line), greeting, closer), list, typing.row, presence.away, notices, counter.line, counter.said, composer);
  root.append(panel);
  /** The visitor is looking at the messages: the panel is shown (the tab's visibility is read.ts's). */
  const report = (): void => read.report(!panel.hidden);
  // Through the prototype: an `<embed name="addEventListener">` in the page cannot stand in (support/document.ts).
  fromDocument('addEventListener')('visibilitychange', report);

  const phone = phoneMode(panel, root);
  closer.onclick = () => toggle(false);
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !host.embedded) {
      event.preventDefault();
      toggle(false);
    }
  });
  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });

  function submit(): void {
    const text = input.value;
    if (blocks.size || !text.trim() || !counter.allows()) return;
    if (tell('chatq-send', { text })) {
      view.draft = '';
      typing.sent();
    }
  }

  /** Removes `node`; focus inside it goes to the input rather than being lost to the page. */
  function drop(node: Element | null | undefined): void {
    const focused = node?.contains(root.activeElement);
    node?.remove();
    if (focused && !panel.hidden) input.focus();
  }

  /** The author label for screen readers, and the sending/failed line with its retry button. */
  function decorate(node: HTMLElement): void {
    const author = node.dataset.author;
    // The agent's name when there is one: read once, here (the visible name row is hidden from screen readers).
    const name = node.children[1]!.textContent;
    node.children[0]!.textContent = `${name || t(author === 'visitor' ? 'you' : author === 'agent' ? 'agent' : 'system')}: `;
    const meta = node.children[3] as HTMLElement;
    const state = node.dataset.state;
    meta.textContent = state === 'sending' ? t('sending') : state === 'failed' ? t('failed') : '';
    meta.hidden = state === 'sent';
    if (state === 'failed') {
      const retry = h('button', { type: 'button' }, t('retry'));
      const key = node.dataset.key!;
      retry.onclick = () => {
        // The button goes away with the failed state: keep the focus in the chat.
        input.focus();
        tell('chatq-retry', { key });
      };
      meta.append(retry);
    }
  }

  /** When it was written (SPEC §10 "Time"): `datetime` for machines, the time of day in the widget's locale for people. */
  function showTime(node: HTMLTimeElement, at: number | undefined): void {
    node.hidden = !at;
    if (!at) return;
    const date = new Date(at);
    node.dateTime = date.toISOString();
    // The locale's own short time (fr "00:08", en "12:08 AM"), with the date on another day; hour: 'numeric' gave fr "0:08".
    const options: Intl.DateTimeFormatOptions = { timeStyle: 'short', ...(date.toDateString() !== new Date().toDateString() && { dateStyle: 'medium' }) };
    let format: Intl.DateTimeFormat;
    try {
      format = new Intl.DateTimeFormat(host.strings.locale, options);
    } catch {
      // A locale Intl does not know (a host's own translations): the browser's.
      format = new Intl.DateTimeFormat(undefined, options);
    }
    node.textContent = format.format(date);
  }

  /** Who answered (SPEC §10): an `https:` avatar (no referrer), else the initial, and the name, as text. */
  function showAgent(row: HTMLElement, agent: MessageView['agent']): void {
    row.hidden = !agent?.name;
    if (!agent?.name) return row.replaceChildren();
    const name = capName(agent.name);
    const avatar = httpsUrl(agent.avatarUrl)
      ? h('img', { part: 'avatar', src: agent.avatarUrl!, alt: '', referrerpolicy: 'no-referrer', width: '24', height: '24' })
      : h('span', { part: 'avatar' }, [...name][0]!.toUpperCase());
    row.replaceChildren(avatar, h('span', { dir: 'auto' }, name));
  }

  const view: PanelView = {
    refreshText() {
      heading.textContent = title || t('title');
      greeting.textContent = greetName ? t('greeting', { name: greetName }) : '';
      closer.setAttribute('aria-label', t('close'));
      list.setAttribute('aria-label', t('conversation'));
      input.setAttribute('aria-label', t('input'));
      input.placeholder = t('placeholder');
      sendButton.textContent = t('send');
      counter.render();
      for (const node of rendered.values()) decorate(node);
      // Right-to-left locales mirror the panel and the preview card (SPEC §10); each text still finds its own direction.
      panel.dir = unread.card.dir = isRtl(host.strings.locale) ? 'rtl' : 'ltr';
      presence.render();
      typing.render();
      read.place();
    },

    show(open) {
      panel.hidden = !open;
      if (!open) return phone.stop();
      // Floating it is a dialog; embedded it is part of the page, a labelled region.
      panel.setAttribute('role', host.embedded ? 'region' : 'dialog');
      // The policy may have answered since: who is there is shown from the first look.
      presence.render();
      list.scrollTop = list.scrollHeight;
      report();
      if (host.embedded) return;
      phone.start();
      input.focus();
    },

    setTitle(text) {
      title = text;
      view.refreshText();
    },

    setGreeting(name) {
      greetName = name;
      view.refreshText();
    },

    /**
     * Creates or updates the message of `entry`. The list follows new messages
     * only when the visitor was reading the end of it, or sent this one: someone
     * scrolled up to reread is not pulled away by an incoming reply.
     */
    renderEntry(entry: MessageView, before?: string) {
      let follow = list.scrollHeight - list.scrollTop - list.clientHeight <= NEAR_BOTTOM;
      let node = rendered.get(entry.key);
      if (!node) {
        node = h('div', { part: 'message' }, h('span', { class: 'sr' }), h('span', { part: 'agent', 'aria-hidden': 'true' }), h('p', { dir: 'auto' }), h('span', { class: 'meta' }), h('time', { part: 'time' }));
        node.dataset.key = entry.key;
        rendered.set(entry.key, node);
        list.insertBefore(node, (before && rendered.get(before)) || null);
        if (entry.author === 'visitor') follow = true;
      }
      node.dataset.author = entry.author;
      node.dataset.state = entry.state;
      showAgent(node.children[1] as HTMLElement, entry.author === 'agent' ? entry.agent : undefined);
      node.children[2]!.replaceChildren(...linkify(entry.body));
      showTime(node.children[4] as HTMLTimeElement, entry.createdAt);
      decorate(node);
      read.entry(entry, node);
      unread.entry(entry);
      if (entry.author === 'agent') typing.stop();
      read.place();
      report();
      if (follow) list.scrollTop = list.scrollHeight;
    },

    removeEntry(key) {
      drop(rendered.get(key));
      rendered.delete(key);
    },

    setBusy(busy) {
      list.setAttribute('aria-busy', String(busy));
    },

    showNotice(kind: NoticeKind, text, action) {
      view.hideNotice(kind);
      const notice = h('div', { part: 'notice', 'data-kind': kind, ...(kind === 'session-expired' && { role: 'alert' }) }, h('p', {}, readText(text)));
      if (action) {
        const button = h('button', { type: 'button' }, readText(action.label));
        button.onclick = () => action.run();
        notice.append(button);
      }
      notices.append(notice);
    },

    hideNotice(kind) {
      drop(notices.querySelector(`[data-kind="${kind}"]`));
    },

    blockSending(reason, blocked) {
      if (blocked) blocks.add(reason);
      else blocks.delete(reason);
      sendButton.disabled = blocks.size > 0;
    },

    signal(event) {
      if (event.type === 'presence') presence.set(event);
      else if (event.type === 'typing') typing.agent(typeof event.agent?.name === 'string' ? event.agent.name : '');
      else if (event.type === 'read' && typeof event.seq === 'number') {
        read.agents(event.seq);
        read.place();
      }
    },

    setUnread(count) {
      // After the messages it counts: a panel that just loaded renders what waited for it in the same task.
      queueMicrotask(() => unread.set(count));
    },

    get draft() {
      return input.value;
    },

    set draft(text) {
      input.value = text;
      counter.update();
    },
  };
  view.refreshText();
  warmWhenIdle(panel);
  return view;
}
