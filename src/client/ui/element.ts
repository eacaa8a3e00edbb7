import { Strings, type TranslationKey } from '../support/i18n.js';
import { bubbleIcon, h } from './dom.js';
import { adoptStyles } from './styles.js';

/** One message as the element shows it: what it renders, nothing of how it travels. */
export interface MessageView {
  /** Stable for the message's life: renderEntry with the same key updates it. */
  readonly key: string;
  readonly author: 'visitor' | 'agent' | 'system';
  readonly body: string;
  readonly state: 'sending' | 'sent' | 'failed';
}

/**
 * The events the element dispatches (they bubble from the element): what the visitor
 * asked for, never done behind the page's back. `chatq-toggle` and `chatq-send` are cancelable:
 * a listener that calls `preventDefault()` takes over (the panel is not toggled; the text is
 * kept, not taken).
 */
export interface MessengerElementEvents {
  /** The launcher, the close button or Escape: `open` is what the visitor asked for. */
  'chatq-toggle': CustomEvent<{ open: boolean }>;
  /** The composer was submitted with `text`. */
  'chatq-send': CustomEvent<{ text: string }>;
  /** The retry button of the failed message `key`. */
  'chatq-retry': CustomEvent<{ key: string }>;
}

export type NoticeKind = 'session-expired' | 'rate-limited' | 'offline';

/** How close to the end of the list still counts as "reading the latest" (px). */
const NEAR_BOTTOM = 48;

/**
 * `<chatq-messenger>`: the chat's UI, SPEC §5, an element in the
 * @github/*-element sense. An open shadow root with the stable parts
 * `launcher`, `panel`, `header`, `messages`, `message`, `composer`, `input`,
 * `send`, `notice`. In: the attributes `open`, `embedded` and `lang` (the
 * built-in English and French, or `strings` with a host's translations),
 * and a view model — `launcher`, `unread`, `greeting`, the messages
 * (`renderEntry`), notices and send blocks. Out: the `chatq-toggle`,
 * `chatq-send` and `chatq-retry` events. It holds no chat state and knows
 * no server: `<chatq-messenger embedded open lang="fr">` renders on its own.
 * Registered by ui/define.ts; bound to a conversation only in messenger.ts.
 */
// A plain base class where there is no DOM (server-side rendering imports `chatq` too).
const Base = (typeof HTMLElement === 'undefined' ? class {} : HTMLElement) as typeof HTMLElement;

export class ChatqMessengerElement extends Base {
  static observedAttributes = ['open', 'lang'];
  /** The texts, in the locale of the `lang` attribute (else the page's). The messenger shares its own, with the host's translations. */
  strings = new Strings(this.lang);
  readonly #root: ShadowRoot;
  readonly #launcher: HTMLButtonElement;
  readonly #badge: HTMLElement;
  readonly #panel: HTMLElement;
  readonly #heading: HTMLElement;
  readonly #greeting: HTMLElement;
  readonly #closer: HTMLButtonElement;
  readonly #list: HTMLElement;
  readonly #notices: HTMLElement;
  readonly #input: HTMLTextAreaElement;
  readonly #sendButton: HTMLButtonElement;
  readonly #rendered = new Map<string, HTMLElement>();
  #unread = 0;
  readonly #blocks = new Set<string>();
  #greetName = '';
  /** Tells what the visitor did; `false` when a listener took it over (`preventDefault()`). */
  readonly #tell = (type: keyof MessengerElementEvents, detail: object): boolean =>
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, cancelable: true }));

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    adoptStyles(this.#root);
    this.#badge = h('span', { class: 'badge', 'aria-hidden': 'true', hidden: '' });
    this.#launcher = h('button', { part: 'launcher', type: 'button', 'aria-expanded': 'false', 'aria-controls': 'chatq-panel', hidden: '' },
      bubbleIcon(), this.#badge) as HTMLButtonElement;
    this.#heading = h('h2', { id: 'chatq-title' });
    this.#greeting = h('p', { class: 'greet' });
    this.#closer = h('button', { type: 'button', class: 'close' }, '\u00D7') as HTMLButtonElement;
    this.#list = h('div', { part: 'messages', role: 'log', 'aria-live': 'polite', tabindex: '0' });
    // One live region from the start: notices added into it are announced (a region created filled is not).
    this.#notices = h('div', { role: 'status' });
    this.#input = h('textarea', { part: 'input', rows: '2' }) as HTMLTextAreaElement;
    this.#sendButton = h('button', { part: 'send', type: 'submit' }) as HTMLButtonElement;
    const composer = h('form', { part: 'composer' }, this.#input, this.#sendButton);
    this.#panel = h('section', { part: 'panel', id: 'chatq-panel', 'aria-labelledby': 'chatq-title', hidden: '' },
      h('div', { part: 'header' }, this.#heading, this.#greeting, this.#closer), this.#list, this.#notices, composer);
    this.#root.append(this.#launcher, this.#panel);

    // `onclick` properties, not attributes: no inline handler for a CSP to block, and fewer bytes.
    this.#launcher.onclick = () => this.#toggle(true);
    this.#closer.onclick = () => this.#toggle(false);
    this.#panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !this.embedded) {
        event.preventDefault();
        this.#toggle(false);
      }
    });
    composer.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#submit();
    });
    this.#input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.#submit();
      }
    });
    this.refreshText();
  }

  connectedCallback(): void {
    // Never `:empty`, so `*:empty { display: none }` in a host theme cannot match it (SPEC §5).
    if (!this.firstChild) this.append(h('span', { hidden: '' }, 'chat'));
  }

  attributeChangedCallback(name: string): void {
    if (name === 'lang') {
      if (this.lang) this.strings.locale = this.lang.toLowerCase();
      this.refreshText();
    } else this.#showPanel();
  }

  get embedded(): boolean {
    return this.hasAttribute('embedded');
  }

  /** The panel is shown (the `open` attribute). Embedded, it is always open once the chat may be used. */
  get open(): boolean {
    return this.hasAttribute('open');
  }

  set open(value: boolean) {
    this.toggleAttribute('open', value);
  }

  /** The visitor asked to open or close: unless a listener takes that over, the element does it. */
  #toggle(open: boolean): void {
    if (this.#tell('chatq-toggle', { open })) this.open = open;
  }

  /** Re-renders every label (after a locale change or `addTranslations`). */
  refreshText(): void {
    const t = (key: TranslationKey, params?: Record<string, string | number>): string => this.strings.t(key, params);
    const label = this.#unread ? `${t('open')} (${t('unread', { count: this.#unread })})` : t('open');
    this.#launcher.setAttribute('aria-label', label);
    this.#heading.textContent = t('title');
    this.#greeting.textContent = this.#greetName ? t('greeting', { name: this.#greetName }) : '';
    this.#closer.setAttribute('aria-label', t('close'));
    this.#list.setAttribute('aria-label', t('conversation'));
    this.#input.setAttribute('aria-label', t('input'));
    this.#input.placeholder = t('placeholder');
    this.#sendButton.textContent = t('send');
    for (const node of this.#rendered.values()) this.#decorate(node);
  }

  /** The floating launcher is offered (never when embedded). */
  set launcher(visible: boolean) {
    this.#launcher.hidden = !visible || this.embedded;
  }

  /**
   * Renders the `open` attribute. Opening a floating panel moves the focus into it (the visitor
   * asked); an embedded one is part of the page and takes no focus. Closing returns it to the launcher.
   */
  #showPanel(): void {
    const open = this.open;
    if (open === !this.#panel.hidden) return;
    this.#panel.hidden = !open;
    this.#launcher.setAttribute('aria-expanded', String(open));
    if (open) {
      // Floating it is a dialog; embedded it is part of the page, a labelled region.
      this.#panel.setAttribute('role', this.embedded ? 'region' : 'dialog');
      this.unread = 0;
      this.#list.scrollTop = this.#list.scrollHeight;
      if (!this.embedded) this.#input.focus();
    } else if (!this.#launcher.hidden) this.#launcher.focus();
  }

  /** Messages the visitor has not seen: the launcher's badge. */
  set unread(count: number) {
    this.#unread = count;
    this.#badge.hidden = count === 0;
    this.#badge.textContent = count ? String(count) : '';
    if (count) this.#launcher.setAttribute('data-unread', String(count));
    else this.#launcher.removeAttribute('data-unread');
    this.refreshText();
  }

  /** The visitor's name for the header's greeting; empty for none. */
  set greeting(name: string) {
    this.#greetName = name;
    this.refreshText();
  }

  /**
   * Creates or updates the message of `entry`. The list follows new messages
   * only when the visitor was reading the end of it, or sent this one: someone
   * scrolled up to reread is not pulled away by an incoming reply.
   */
  renderEntry(entry: MessageView, before?: string): void {
    const list = this.#list;
    let follow = list.scrollHeight - list.scrollTop - list.clientHeight <= NEAR_BOTTOM;
    let node = this.#rendered.get(entry.key);
    if (!node) {
      node = h('div', { part: 'message' }, h('span', { class: 'sr' }), h('p'), h('span', { class: 'meta' }));
      node.dataset.key = entry.key;
      this.#rendered.set(entry.key, node);
      list.insertBefore(node, (before && this.#rendered.get(before)) || null);
      if (entry.author === 'visitor') follow = true;
    }
    node.dataset.author = entry.author;
    node.dataset.state = entry.state;
    node.children[1]!.textContent = entry.body;
    this.#decorate(node);
    if (follow) list.scrollTop = list.scrollHeight;
  }

  removeEntry(key: string): void {
    this.#drop(this.#rendered.get(key));
    this.#rendered.delete(key);
  }

  /** History is loading: the log holds its announcements until it is in (no backlog read out). */
  set busy(busy: boolean) {
    this.#list.setAttribute('aria-busy', String(busy));
  }

  /** Removes `node`; focus inside it goes to the input rather than being lost to the page. */
  #drop(node: Element | null | undefined): void {
    const focused = node?.contains(this.#root.activeElement);
    node?.remove();
    if (focused && this.open) this.#input.focus();
  }

  showNotice(kind: NoticeKind, text: string, action?: { label: string; run(): void }): void {
    this.hideNotice(kind);
    const notice = h('div', { part: 'notice', 'data-kind': kind, ...(kind === 'session-expired' && { role: 'alert' }) },
      h('p', {}, text));
    if (action) {
      const button = h('button', { type: 'button' }, action.label);
      button.onclick = () => action.run();
      notice.append(button);
    }
    this.#notices.append(notice);
  }

  hideNotice(kind: NoticeKind): void {
    this.#drop(this.#notices.querySelector(`[data-kind="${kind}"]`));
  }

  /** Blocks sending for `reason` (session expired, rate limit) while keeping whatever is typed. */
  blockSending(reason: string, blocked: boolean): void {
    if (blocked) this.#blocks.add(reason);
    else this.#blocks.delete(reason);
    this.#sendButton.disabled = this.#blocks.size > 0;
  }

  get draft(): string {
    return this.#input.value;
  }

  set draft(text: string) {
    this.#input.value = text;
  }

  #submit(): void {
    const text = this.#input.value;
    if (this.#blocks.size || !text.trim()) return;
    if (this.#tell('chatq-send', { text })) this.#input.value = '';
  }

  /** The author label for screen readers, and the sending/failed line with its retry button. */
  #decorate(node: HTMLElement): void {
    const t = (key: TranslationKey): string => this.strings.t(key);
    const author = node.dataset.author;
    node.children[0]!.textContent = `${t(author === 'visitor' ? 'you' : author === 'agent' ? 'agent' : 'system')}: `;
    const meta = node.children[2] as HTMLElement;
    const state = node.dataset.state;
    meta.textContent = state === 'sending' ? t('sending') : state === 'failed' ? t('failed') : '';
    meta.hidden = state === 'sent';
    if (state === 'failed') {
      const retry = h('button', { type: 'button' }, t('retry'));
      const key = node.dataset.key!;
      retry.onclick = () => {
        // The button goes away with the failed state: keep the focus in the chat.
        this.#input.focus();
        this.#tell('chatq-retry', { key });
      };
      meta.append(retry);
    }
  }
}
