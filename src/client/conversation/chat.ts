import type { ChatMessage, PageChangeRequest, StreamEvent } from '../../identity/index.js';
import { ApiError, type Api } from '../transport/api.js';
import { Conversation, type Entry } from './conversation.js';
import type { Emitter } from '../support/events.js';
import type { Strings } from '../support/i18n.js';
import { randomId } from '../support/ids.js';
import type { Supersession } from '../session/supersession.js';
import { openStream } from '../transport/stream.js';
import type { TabSync } from '../support/tabs.js';
import type { MessengerEvents, MessengerMessage } from '../types.js';

/**
 * What the conversation needs of a screen. `<chatq-messenger>` is one; the
 * conversation imports no UI module, only the messenger knows both.
 */
export interface ChatView {
  readonly open: boolean;
  /** The composer's text. */
  draft: string;
  /** Shows or updates `entry`; a new one goes before the entry keyed `before` (none: at the end). */
  renderEntry(entry: Entry, before?: string): void;
  removeEntry(key: string): void;
  busy: boolean;
  unread: number;
  showNotice(kind: 'rate-limited' | 'offline', text: string): void;
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

/** The event-facing copy of a message (no internal state). */
function publicMessage(entry: Entry): MessengerMessage {
  const { id, clientId, author, body, createdAt } = entry;
  return { ...(id !== undefined && { id }), ...(clientId && { clientId }), author, body, createdAt };
}

/**
 * One conversation on screen: history, sending (with a clientId so a retry
 * never duplicates), the agent stream, rate limits and tab sync. Knows
 * nothing of identities: the messenger attaches it to a session.
 */
export class Chat {
  readonly conversation = new Conversation();
  session: string | undefined;
  conversationId: string | undefined;
  #closeStream: (() => void) | undefined;
  #engaged = false;
  #unread = 0;
  #pagePending: PageChangeRequest | undefined;
  #rateTimer: ReturnType<typeof setTimeout> | undefined;

  readonly #deps: ChatDeps;

  constructor(deps: ChatDeps) {
    this.#deps = deps;
  }

  /** Binds to a (new or renewed) session; a new conversation id reloads the history. */
  attach(session: string, conversationId: string): void {
    const sessionChanged = session !== this.session;
    this.session = session;
    if (this.#pagePending) this.pageChange(this.#pagePending);
    if (conversationId !== this.conversationId) {
      // Messages the host page added (a greeting) stay for the same person; history replaces the rest.
      this.#reset('local');
      this.conversationId = conversationId;
      void this.#loadHistory();
    } else if (sessionChanged || !this.#closeStream) this.#startStream();
  }

  /** Forgets the session and everything shown, the draft too (logout, user switch). */
  detach(): void {
    const { view } = this.#deps;
    this.#reset();
    view.draft = '';
    // A 429 was this visitor's: the next one starts unblocked.
    clearTimeout(this.#rateTimer);
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
    this.#deps.view.hideNotice('offline');
  }

  /** From the composer. Returns whether the text was taken. */
  send(body: string): boolean {
    if (!this.session) return false;
    const entry = this.conversation.addPending(randomId(), body, this.#deps.now());
    this.#deps.view.renderEntry(entry);
    void this.#deliver(entry);
    return true;
  }

  retry(key: string): void {
    const entry = this.conversation.find(key);
    if (!entry || entry.state !== 'failed' || !this.session) return;
    entry.state = 'sending';
    this.#deps.view.renderEntry(entry);
    void this.#deliver(entry);
  }

  /** `addMessage` from the host page: shown locally, never sent. */
  addLocal(body: string, agent: boolean): void {
    this.#deps.view.renderEntry(this.conversation.addLocal(body, agent ? 'agent' : 'system', this.#deps.now()));
  }

  /** A message from the stream or another tab. */
  receive(message: ChatMessage, fromTab = false): void {
    const { entry, added } = this.#show(message);
    if (!added || message.author === 'visitor' || fromTab) return;
    this.#deps.events.emit('message_received', { message: publicMessage(entry) });
    if (!this.#deps.view.open) this.#deps.view.unread = ++this.#unread;
  }

  /** A server message into the conversation and on screen, in its place. */
  #show(message: ChatMessage): ReturnType<Conversation['upsert']> {
    const shown = this.conversation.upsert(message);
    this.#deps.view.renderEntry(shown.entry, shown.before);
    return shown;
  }

  /** The panel was opened: nothing is unread any more. */
  seen(): void {
    this.#unread = 0;
  }

  /** Tells the server the visitor is on `page` (the binding reads it from the document); before a session exists, once it does. */
  pageChange(page: PageChangeRequest): void {
    this.#pagePending = this.session ? undefined : page;
    if (this.session) this.#deps.api.page(this.session, page).catch(() => {});
  }

  /**
   * Whether work started now still belongs to what is shown: the visitor's
   * token (logout, user switch, destroy) and the same conversation.
   */
  #current(): () => boolean {
    const ticket = this.#deps.epoch.ticket();
    const conversationId = this.conversationId;
    return () => ticket() && conversationId === this.conversationId;
  }

  #reset(keep?: 'local'): void {
    this.stopStream();
    this.#forget(keep);
    this.#engaged = false;
  }

  #forget(keep?: 'local' | 'unsent'): void {
    for (const entry of this.conversation.clear(keep)) this.#deps.view.removeEntry(entry.key);
  }

  async #loadHistory(): Promise<void> {
    const current = this.#current();
    const { view } = this.#deps;
    view.busy = true;
    try {
      const { messages } = await this.#deps.api.conversation(this.session!);
      if (!current()) return;
      for (const message of messages) this.#show(message);
      this.#engaged = messages.some((m) => m.author === 'visitor');
    } catch {
      // No history (network): the stream still brings what comes next.
    } finally {
      view.busy = false;
    }
    if (current()) this.#startStream();
  }

  #startStream(): void {
    this.stopStream();
    const deps = this.#deps;
    const current = this.#current();
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
        if (connected) deps.view.hideNotice('offline');
        else deps.view.showNotice('offline', deps.strings.t('offline'));
      },
    });
  }

  async #deliver(entry: Entry): Promise<void> {
    const deps = this.#deps;
    const current = this.#current();
    let message: ChatMessage | undefined;
    try {
      ({ message } = await deps.api.send(this.session!, { clientId: entry.clientId!, body: entry.body }));
    } catch (error) {
      // The stream brought the message back before its answer was lost: the server has it, it is sent.
      if (current() && entry.state !== 'sent') this.#undelivered(entry, error);
      if (entry.state !== 'sent') return;
    }
    if (!current()) return;
    // Without an answer, the stream has shown it already.
    const sent = message ? this.#show(message).entry : entry;
    deps.events.emit('message_sent', { message: publicMessage(sent) });
    if (!this.#engaged) {
      this.#engaged = true;
      deps.events.emit('chat_engaged', { message: publicMessage(sent) });
    }
    if (message) deps.tabs.post({ type: 'message', conversationId: this.conversationId!, message });
  }

  /** A send that failed: back into the composer (429, lapsed session) or marked for a retry. */
  #undelivered(entry: Entry, error: unknown): void {
    const deps = this.#deps;
    const status = error instanceof ApiError ? error : undefined;
    if (status?.status === 429 || status?.code === 'ERR_SESSION_EXPIRED') {
      // Nothing typed is lost: the text goes back into the composer (SPEC §5, §6).
      this.conversation.remove(entry.key);
      deps.view.removeEntry(entry.key);
      deps.view.draft = deps.view.draft ? `${entry.body}\n${deps.view.draft}` : entry.body;
      if (status.status === 429) this.#rateLimited(status.retryAfter ?? 5);
      else deps.onExpired();
      return;
    }
    entry.state = 'failed';
    deps.view.renderEntry(entry);
    if (status?.status === 401) deps.onSessionLost(status.code);
  }

  #rateLimited(seconds: number): void {
    const { view, strings } = this.#deps;
    view.showNotice('rate-limited', strings.t('rate', { seconds: Math.ceil(seconds) }));
    view.blockSending('rate', true);
    clearTimeout(this.#rateTimer);
    this.#rateTimer = setTimeout(() => {
      view.hideNotice('rate-limited');
      view.blockSending('rate', false);
    }, seconds * 1000);
  }
}
