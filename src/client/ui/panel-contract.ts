import type { PolicyResponse, StreamEvent } from '../../identity/index.js';
import type { NoticeKind, Strings, Text } from '../support/i18n.js';

/** One message as the element shows it: what it renders, nothing of how it travels. */
export interface MessageView {
  /** Stable for the message's life: renderEntry with the same key updates it. */
  readonly key: string;
  readonly author: 'visitor' | 'agent' | 'system';
  readonly body: string;
  readonly state: 'sending' | 'sent' | 'failed';
  /** Milliseconds since the epoch (server clock): the message's `<time>`. */
  readonly createdAt?: number;
  /** Its place in the conversation, once the server has it: what "read" and "Seen" count in (SPEC §11). */
  readonly seq?: number;
  /** On agent messages (SPEC §11): who answered, shown as text (and an `https:` avatar). */
  readonly agent?: { readonly name: string; readonly avatarUrl?: string } | undefined;
}

export type { NoticeKind, Text };

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

/**
 * The contract between `loader.js` and `panel.js` (SPEC §10 "Two scripts"): what the
 * element's shell lends the panel, and what the panel does for it. Both sides are built
 * from this one file; `PANEL_API` changes whenever it does, so a panel.js of another build
 * (a deploy between the two downloads) is refused rather than half-working.
 */
/**
 * 4: the shown half is fed `lapsed` and answers `chatq-send`/`chatq-retry` itself; ChatDeps lends `visitor` and `clock` (conversation/chat.ts).
 * 5: the panel lends the element its view model (panel/lend.ts); the shown half is made after the panel and fed `busy`, `offline`, `signal`.
 */
export const PANEL_API = 5;

/** Where panel.js leaves its factory for the loader (a registered symbol: no page global name). */
export const PANEL_SLOT = Symbol.for('chatq.panel');

/** What the panel reads of the policy answer (`PolicyResponse`): the message limit, and who is there (SPEC §11). */
export type PolicyLimits = Partial<Pick<PolicyResponse, 'messageMaxLength' | 'presence'>>;

/** The element, as the panel sees it. */
export interface PanelHost {
  readonly strings: Strings;
  readonly embedded: boolean;
  open: boolean;
  /** `POST {base}{path}` with the visitor's session (typing, read, e-mail: SPEC §11); absent in a bare element. */
  readonly post?: ((path: string, body?: object) => Promise<unknown>) | undefined;
  /**
   * The `GET v1/policy` answer, of which the panel reads `messageMaxLength`, the longest message
   * the server takes: the composer's counter (SPEC §10), and `presence`, shown until the stream's
   * `presence` events come. Absent until the policy answers; both are absent from older servers.
   */
  readonly policy?: PolicyLimits | undefined;
  /** A signed identity's e-mail: used without asking when nobody is online (SPEC §10). */
  readonly email?: string;
  /** The element's attributes: `preview="false"`, `titlealert="true"` (SPEC §10 "Unread", set from `_setConfiguration` by ui/mount.ts). */
  getAttribute(name: string): string | null;
}

/** Dispatches a `chatq-*` event from the element; false when a listener took it over (`preventDefault()`). */
export type Tell = (type: keyof MessengerElementEvents, detail: object) => boolean;

export interface PanelView {
  renderEntry(entry: MessageView, before?: string): void;
  removeEntry(key: string): void;
  setBusy(busy: boolean): void;
  /** Since PANEL_API 3: `text` and the label may be functions, read once the panel's texts are in `strings`. */
  showNotice(kind: NoticeKind, text: Text, action?: { label: Text; run(): void }): void;
  hideNotice(kind: NoticeKind): void;
  blockSending(reason: string, blocked: boolean): void;
  draft: string;
  setGreeting(name: string): void;
  /** The header's title (`_setConfiguration({ title })`); empty: the translated default. */
  setTitle(title: string): void;
  refreshText(): void;
  /** Renders the element's `open` state: shown or hidden, with the focus moves that go with it. */
  show(open: boolean): void;
  /** A stream event the shell does not handle: presence, typing, read (SPEC §11). */
  signal?(event: StreamEvent): void;
  /** Messages come in while closed (`count`, 0 once seen): the preview card, the announcement, the title alert. */
  setUnread?(count: number): void;
  /** The signed identity's e-mail changed (`PanelHost.email`). */
  refreshEmail?(): void;
}

export type PanelFactory = (host: PanelHost, root: ShadowRoot, tell: Tell) => PanelView;

/** What panel.js leaves at `PANEL_SLOT`. */
export interface PanelExport {
  api: number;
  create: PanelFactory;
  /**
   * Since PANEL_API 3: the conversation's shown half (conversation/shown.ts `createShown`:
   * ordering, rendering, sending), fed by loader.js what came before it. Opaque here: the
   * element never sends; messenger.ts, the one binding that knows both, hands it the conversation.
   */
  outbox: unknown;
}
