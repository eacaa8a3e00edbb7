import type { StreamEvent } from '../../identity/index.js';
import { fromDocument } from '../support/document.js';
import { Strings, type TranslationKey } from '../support/i18n.js';
import { bubbleIcon, h } from './dom.js';
import type { MessageView, MessengerElementEvents, NoticeKind, PanelFactory, PanelHost, PanelView, Text } from './panel-contract.js';
import { panels } from './panel-source.js';
import { adoptStyles } from './styles.js';
import { createRetry } from '../support/retry.js';

export type { MessageView, MessengerElementEvents, NoticeKind } from './panel-contract.js';

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
 *
 * This is the shell that loader.js carries (SPEC §10 "Two scripts"): the launcher, its
 * badge and its status line. The panel (ui/panel-contract.ts) is the ESM build's bundled
 * one, or panel.js, loaded on first open or when the page is idle after its `load` event;
 * the view model (messages, notices, send blocks, greeting, title, draft) is the panel's own,
 * lent to the element when it is made (panel/lend.ts): the conversation's feed waits for it in
 * conversation/chat.ts, so nothing shown waits here.
 * Registered by ui/define.ts; bound to a conversation only in messenger.ts.
 */
// A plain base class where there is no DOM (server-side rendering imports `chatq` too).
const Base = (typeof HTMLElement === 'undefined' ? class {} : HTMLElement) as typeof HTMLElement;

export class ChatqMessengerElement extends Base {
  static observedAttributes = ['open', 'lang'];
  /** The texts, in the locale of the `lang` attribute (else the page's). The messenger shares its own, with the host's translations. */
  strings = new Strings(this.lang);
  /** The panel's typing, read and e-mail calls, with the visitor's session (set by the messenger; `declare`: no code in loader.js). */
  declare post: PanelHost['post'];
  /** The policy answer, for the composer's counter (SPEC §10 "Nothing typed is lost"), set by the messenger. */
  declare policy: PanelHost['policy'];
  /** A signed identity's e-mail (SPEC §10 "Nobody online"), set by the messenger. */
  declare email?: string;
  /**
   * The view model, lent by the panel when it is made (panel/lend.ts; `declare`: no code in
   * loader.js). Before that they are absent: the conversation feeds them through its half that
   * comes with the panel (conversation/shown.ts).
   */
  declare renderEntry: (entry: MessageView, before?: string) => void;
  declare removeEntry: (key: string) => void;
  /** History is loading: the log holds its announcements until it is in (no backlog read out). */
  declare busy: boolean;
  /** `text` and the action's `label` may be functions: read when shown, once the panel's texts are in (panel/notices.ts). */
  declare showNotice: (kind: NoticeKind, text: Text, action?: { label: Text; run(): void }) => void;
  declare hideNotice: (kind: NoticeKind) => void;
  /** Blocks sending for `reason` (session expired, rate limit) while keeping whatever is typed. */
  declare blockSending: (reason: string, blocked: boolean) => void;
  /** A stream event for the panel (presence, typing, read: SPEC §11). */
  declare signal: (event: StreamEvent) => void;
  /** The visitor's name for the header's greeting; empty for none. */
  declare greeting: string;
  /** The header's title (`_setConfiguration({ title })`); empty for the translated default. */
  declare heading: string;
  /** The composer's text. */
  declare draft: string;
  readonly #root: ShadowRoot;
  readonly #launcher: HTMLButtonElement;
  readonly #status: HTMLElement;
  #panel: PanelView | undefined;
  #unread = 0;
  #shown = false;
  // Unset (falsy) until first true: a field initialiser costs loader.js bytes.
  #loading?: boolean;
  #waitingForLoad?: boolean;
  /** Loading the panel again after a failure, 1 s doubling to 30 s. */
  readonly #retry = createRetry(() => this.open && this.#fetchPanel(true));
  /** The visitor pressed the launcher: the panel is fetched now, even before the page's `load`. */
  #asked?: boolean;
  /** Tells what the visitor did; `false` when a listener took it over (`preventDefault()`). */
  readonly #tell = (type: keyof MessengerElementEvents, detail: object): boolean =>
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, cancelable: true }));

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    adoptStyles(this.#root);
    this.#launcher = h('button', { part: 'launcher', type: 'button', 'aria-expanded': 'false', hidden: '' },
      bubbleIcon()) as HTMLButtonElement;
    // A live region from the start, so what is put in it later is announced.
    this.#status = h('p', { class: 'status', 'aria-live': 'polite' });
    this.#root.append(this.#status, this.#launcher);
    // `onclick` properties, not attributes: no inline handler for a CSP to block, and fewer bytes.
    this.#launcher.onclick = () => {
      this.#asked = true;
      this.#toggle(!this.open);
    };
    if (panels.bundled) this.#attach(panels.bundled);
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
    this.#launcher.setAttribute('aria-label', this.#unread ? `${t('open')} (${t('unread', { count: this.#unread })})` : t('open'));
    if (this.#status.textContent) this.#status.textContent = t('loadFailed');
    this.#panel?.refreshText();
  }

  /** The floating launcher is offered (never when embedded); from then on the panel may be fetched while the page is idle. */
  set launcher(visible: boolean) {
    this.#launcher.hidden = !visible || this.embedded;
    if (visible) this.#fetchPanel();
  }

  /**
   * Renders the `open` attribute. Opening a floating panel moves the focus into it (the visitor
   * asked); an embedded one is part of the page and takes no focus. Closing returns it to the launcher.
   */
  #showPanel(): void {
    const open = this.open;
    if (open === this.#shown) return;
    this.#shown = open;
    this.#launcher.setAttribute('aria-expanded', String(open));
    if (open) {
      this.unread = 0;
      this.#fetchPanel(this.#asked);
    } else this.#setStatus(false);
    this.#asked = false;
    this.#panel?.show(open);
    if (!open && !this.#launcher.hidden) this.#launcher.focus();
  }

  /**
   * Fetches the panel: at once when the visitor pressed the launcher, else after the host
   * page's `load` event, when the browser is idle (SPEC §10: the page pays nothing for it
   * before `load`). A panel that failed is fetched again on the next call.
   */
  #fetchPanel(now = false): void {
    const script = panels.script;
    if (this.#panel || this.#loading || !script) return;
    if (!now) {
      if (this.#waitingForLoad) return;
      this.#waitingForLoad = true;
      const idle = (): unknown => (window.requestIdleCallback ?? setTimeout)(() => this.#fetchPanel(true));
      if (fromDocument('readyState') === 'complete') idle();
      else addEventListener('load', idle, { once: true });
      return;
    }
    this.#loading = true;
    script().then(
      (create) => {
        this.#loading = false;
        this.#attach(create);
      },
      () => {
        this.#loading = false;
        this.#failed();
      },
    );
  }

  /** The panel did not load: while the visitor wants it open, the launcher says so and it is tried again, ever less often. */
  #failed(): void {
    if (!this.open) return;
    this.#setStatus(true);
    this.#retry.later();
  }

  #setStatus(failed: boolean): void {
    this.#status.textContent = failed ? this.strings.t('loadFailed') : '';
    this.#launcher.toggleAttribute('data-failed', failed);
  }

  #attach(create: PanelFactory): void {
    const panel = create(this, this.#root, this.#tell);
    this.#panel = panel;
    // Only now: aria-controls must name an element that exists (axe, in the failed state).
    this.#launcher.setAttribute('aria-controls', 'chatq-panel');
    this.#setStatus(false);
    if (this.#unread) panel.setUnread?.(this.#unread);
    panel.show(this.#shown);
  }

  /**
   * Messages the visitor has not seen: the launcher's badge (its `data-unread`, drawn by CSS, so the
   * button's visible text never differs from its label), and the panel's preview card and announcement.
   */
  set unread(count: number) {
    this.#unread = count;
    if (count) this.#launcher.setAttribute('data-unread', String(count));
    else this.#launcher.removeAttribute('data-unread');
    this.refreshText();
    this.#panel?.setUnread?.(count);
    // The preview card is the panel's: a message while closed loads it.
    if (count && !this.open) this.#fetchPanel(true);
  }
}
