import type { ChatMessage, PageChangeRequest, PolicyResponse, StreamEvent } from '../../identity/index.js';
import type { Api } from '../transport/api.js';
import { Conversation, publicMessage, type Entry } from './conversation.js';
import type { Emitter } from '../support/events.js';
import type { Strings } from '../support/i18n.js';
import type { Supersession } from '../session/supersession.js';
import { openStream } from '../transport/stream.js';
import type { TabSync } from '../support/tabs.js';
import type { MessengerEvents } from '../types.js';

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
  showNotice(kind: 'rate-limited' | 'offline', text: string | (() => string)): void;
  hideNotice(kind: 'rate-limited' | 'offline'): void;
  blockSending(reason: 'rate', blocked: boolean): void;
  /** The stream's optional events (presence, typing, read: SPEC §11), for the panel. */
  signal?(event: StreamEvent): void;
}

export interface ChatDeps {
  api: Api;
  view: ChatView;
  events: Emitter<MessengerEvents>;
  strings: Strings;
  tabs: TabSync;
  /** The visitor's supersession token: a logout or user switch drops every answer still on its way. */
  epoch: Supersession;
  /** Server clock, for the time of pending messages. */
  now(): number;
  /** The server said the session lapsed (401 ERR_SESSION_EXPIRED or the stream's event). */
  onExpired(): void;
  /** The session is gone for another reason (ended, unknown to the server). */
  onSessionLost(code: string): void;
}

/**
 * One conversation on screen: history, the agent stream, unread and tab sync.
 * Knows nothing of identities: the messenger attaches it to a session. Sending
 * is the outbox's (conversation/outbox.ts), which panel.js carries (SPEC §10).
 */
export class Chat {
  readonly conversation = new Conversation();
  // `declare`: no field declarations in loader.js; both are undefined until set.
  declare session: string | undefined;
  declare conversationId: string | undefined;
  #closeStream: (() => void) | undefined;
  engaged = false;
  /** The stream reconnects ("Reconnecting…" shows); `onReconnected` is the outbox's, told when it is back. */
  reconnecting = false;
  declare onReconnected: (() => void) | undefined;
  #unread = 0;
  #pagePending: PageChangeRequest | undefined;

  /** Lent to the outbox with the rest of `OutboxHost` (conversation/outbox.ts). */
  declare readonly deps: ChatDeps;

  constructor(deps: ChatDeps) {
    this.deps = deps;
  }

  get entries(): Entry[] {
    return this.conversation.entries;
  }

  /** Binds to a (new or renewed) session; a new conversation id reloads the history. */
  attach(session: string, conversationId: string): void {
    const sessionChanged = session !== this.session;
    // The session was lost, not detached: the server forgot it and the visitor registered again in place.
    const inPlace = !this.session && this.conversationId !== undefined;
    this.session = session;
    if (this.#pagePending) this.pageChange(this.#pagePending);
    if (conversationId !== this.conversationId) {
      // Re-registered in place, what is on screen stays, before the new log (SPEC §10 "Nothing typed is lost"). Else
      // messages the host page added (a greeting) stay for the same person; history replaces the rest.
      if (inPlace) {
        this.stopStream();
        this.conversation.orphan();
      } else this.#reset('local');
      this.conversationId = conversationId;
      void this.#loadHistory();
    } else if (sessionChanged || !this.#closeStream) this.#startStream();
  }

  /** Forgets the session and everything shown, the draft too (logout, user switch). */
  detach(): void {
    const { view } = this.deps;
    this.#reset();
    view.draft = '';
    // A 429 was this visitor's: the next one starts unblocked.
    view.hideNotice('rate-limited');
    view.blockSending('rate', false);
    this.session = undefined;
    this.conversationId = undefined;
    this.#unread = 0;
    view.unread = 0;
  }

  stopStream(): void {
    this.#closeStream?.();
    this.#closeStream = undefined;
    this.reconnecting = false;
    this.deps.view.hideNotice('offline');
  }

  /** `addMessage` from the host page: shown locally, never sent. */
  addLocal(body: string, agent: boolean): void {
    this.deps.view.renderEntry(this.conversation.addLocal(body, agent ? 'agent' : 'system', this.deps.now()));
  }

  /** A message from the stream or another tab. */
  receive(message: ChatMessage, fromTab = false): void {
    const { entry, added } = this.show(message);
    if (!added || message.author === 'visitor' || fromTab) return;
    this.deps.events.emit('message_received', { message: publicMessage(entry) });
    if (!this.deps.view.open) this.deps.view.unread = ++this.#unread;
  }

  /** A server message into the conversation and on screen, in its place. */
  show(message: ChatMessage): ReturnType<Conversation['upsert']> {
    const shown = this.conversation.upsert(message);
    this.deps.view.renderEntry(shown.entry, shown.before);
    return shown;
  }

  /** The panel was opened: nothing is unread any more. */
  seen(): void {
    this.#unread = 0;
  }

  /** Tells the server the visitor is on `page` (the binding reads it from the document); before a session exists, once it does. */
  pageChange(page: PageChangeRequest): void {
    this.#pagePending = this.session ? undefined : page;
    if (this.session) this.deps.api.page(this.session, page).catch(() => {});
  }

  /**
   * Whether work started now still belongs to what is shown: the visitor's
   * token (logout, user switch, destroy) and the same conversation.
   */
  current(): () => boolean {
    const ticket = this.deps.epoch.ticket();
    const conversationId = this.conversationId;
    return () => ticket() && conversationId === this.conversationId;
  }

  #reset(keep?: 'local'): void {
    this.stopStream();
    this.#forget(keep);
    this.engaged = false;
  }

  #forget(keep?: 'local' | 'unsent'): void {
    for (const entry of this.conversation.clear(keep)) this.deps.view.removeEntry(entry.key);
  }

  async #loadHistory(): Promise<void> {
    const current = this.current();
    const { view } = this.deps;
    view.busy = true;
    try {
      const { messages } = await this.deps.api.conversation(this.session!);
      if (!current()) return;
      for (const message of messages) this.show(message);
      this.engaged = messages.some((m) => m.author === 'visitor');
    } catch {
      // No history (network): the stream still brings what comes next.
    } finally {
      view.busy = false;
    }
    if (current()) this.#startStream();
  }

  #startStream(): void {
    this.stopStream();
    const deps = this.deps;
    const current = this.current();
    this.#closeStream = openStream({
      api: deps.api,
      session: this.session!,
      lastEventId: () => this.conversation.position,
      onEvent: (event: StreamEvent, id) => {
        if (!current()) return;
        if (event.type === 'message') {
          this.receive(event.message);
          this.conversation.position = id;
        }
        // A new epoch (the log lost its tail): what the stream gave is void, the whole log follows.
        else if (event.type === 'reset') this.#forget('unsent');
        else if (event.type === 'session_expired') deps.onExpired();
        else if (event.type === 'session_ended') deps.onSessionLost('session_ended');
        // Any other event (presence, typing, read: SPEC §11) is the panel's; an unknown one is skipped there, never a sign-out.
        else deps.view.signal?.(event);
      },
      onFatal: (error) => {
        if (!current()) return;
        this.#closeStream = undefined;
        if (error.code === 'ERR_SESSION_EXPIRED') deps.onExpired();
        else deps.onSessionLost(error.code);
      },
      onConnected: (connected) => {
        this.reconnecting = !connected;
        if (connected) {
          deps.view.hideNotice('offline');
          this.onReconnected?.();
        } else deps.view.showNotice('offline', () => deps.strings.t('offline'));
      },
    });
  }
}
