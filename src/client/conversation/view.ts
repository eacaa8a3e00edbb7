import type { ChatMessage, PolicyResponse, PublicIdentity, StreamEvent } from '../../identity/index.js';
import type { Entry } from './conversation.js';
import type { NoticeKind, Text } from '../support/i18n.js';

/**
 * What the conversation needs of a screen. `<chatq-messenger>` is one; the
 * conversation imports no UI module, only the messenger knows both.
 */
export interface ChatView {
  readonly open: boolean;
  /** The composer's text. */
  draft: string;
  /** The policy answer, whose message limit the composer counts against (SPEC §10); a refusal for length corrects it. */
  policy?: Partial<Pick<PolicyResponse, 'messageMaxLength'>> | undefined;
  /** Shows or updates `entry`; a new one goes before the entry keyed `before` (none: at the end). */
  renderEntry(entry: Entry, before?: string): void;
  removeEntry(key: string): void;
  busy: boolean;
  unread: number;
  /** `text` may be read only when shown (its words come with the panel). */
  showNotice(kind: NoticeKind, text: Text, action?: { label: Text; run(): void }): void;
  hideNotice(kind: NoticeKind): void;
  blockSending(reason: 'rate' | 'expired', blocked: boolean): void;
  /** The stream's optional events (presence, typing, read: SPEC §11), for the panel. */
  signal?(event: StreamEvent): void;
  /** The visitor's name for the header's greeting; empty for none. */
  greeting?: string;
  /** A signed identity's e-mail, used without asking when nobody is online (SPEC §10). */
  email?: string;
  /** `POST {base}{path}` with the visitor's session: the panel's typing, read and e-mail calls (SPEC §11). */
  post?: ((path: string, body?: object) => Promise<unknown>) | undefined;
  /** The element's `chatq-send` and `chatq-retry` (ui/panel-contract.ts), which the panel's half answers. */
  addEventListener(type: 'chatq-send', listener: (event: CustomEvent<{ text: string }>) => void): void;
  addEventListener(type: 'chatq-retry', listener: (event: CustomEvent<{ key: string }>) => void): void;
}

/** What the panel's half of the conversation is fed, in order (conversation/shown.ts). */
export interface ShownFeed {
  /** A server message, into its place (deduplicated there). */
  show(message: ChatMessage): void;
  /** `addMessage` from the host page: shown, never sent. */
  local(body: string, author: 'agent' | 'system', createdAt: number): void;
  /**
   * Forgets what is shown; `keep`: the host page's own messages (`local`), and the unacknowledged
   * ones too (`unsent`). Nothing kept: the visitor is gone (logout, user switch), with their draft
   * and their rate limit.
   */
  clear(keep?: 'local' | 'unsent'): void;
  /** The session lapsed (true: the expired notice, with Refresh, and no sending) or a fresh token carried it on (SPEC §5). */
  lapsed(on: boolean): void;
  /** A new conversation carries on in place from what is shown (a session the server forgot). */
  orphan(): void;
  /** Who the visitor is now (none: logged out): the greeting, the e-mail, and the draft a Refresh kept, theirs only. */
  who(identity: PublicIdentity | undefined): void;
  /** History is loading: the log holds its announcements until it is in. */
  busy(on: boolean): void;
  /** The stream reconnects (true: the "Reconnecting…" notice) or is back. */
  offline(on: boolean): void;
  /** The stream's optional events (presence, typing, read: SPEC §11), for the panel. */
  signal(event: StreamEvent): void;
}

/** The panel's half: what it is fed, and sending (conversation/outbox.ts). */
export interface Shown extends ShownFeed {
  /** Returns whether the text was taken. */
  send(body: string): boolean;
  retry(key: string): void;
}
