import type { ChatMessage, PageChangeRequest, PolicyResponse, StreamEvent } from '../../identity/index.js';
import type { Api } from '../transport/api.js';
import { publicMessage, type Entry } from './conversation.js';
import type { Emitter } from '../support/events.js';
import type { Strings } from '../support/i18n.js';
import type { SessionView } from '../session/machine.js';
import type { Supersession } from '../session/supersession.js';
import { openStream } from '../transport/stream.js';
import type { TabSync } from '../support/tabs.js';
import type { MessengerEvents } from '../types.js';
import type { Outbox } from './outbox.js';

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
  /** The credential, held by the session machine (session/machine.ts): read here, never written. */
  session(): string | undefined;
  /** Server clock, for the time of pending messages. */
  now(): number;
  /** The server said the session lapsed (401 ERR_SESSION_EXPIRED or the stream's event). */
  onExpired(): void;
  /** The session is gone for another reason (ended, unknown to the server). */
  onSessionLost(code: string): void;
}

/** What the panel's half of the conversation is fed, in order (conversation/shown.ts). */
export interface ShownFeed {
  /** A server message, into its place (deduplicated there). */
  show(message: ChatMessage): void;
  /** `addMessage` from the host page: shown, never sent. */
  local(body: string, author: 'agent' | 'system', createdAt: number): void;
  /** Forgets what is shown; `keep`: the host page's own messages (`local`), and the unacknowledged ones too (`unsent`). */
  clear(keep?: 'local' | 'unsent'): void;
  /** A new conversation carries on in place from what is shown (a session the server forgot). */
  orphan(): void;
  /** Who is shown now (a uuid, or none): the draft a Refresh kept is theirs only. */
  who(uuid: string | undefined): void;
}

/** The panel's half: what it is fed, sending, and the draft kept across the expired notice's Refresh. */
export interface Shown extends ShownFeed, Outbox {
  keepDraft(): void;
}

export type ShownFactory = (chat: Chat) => Shown;

type Feed = { [K in keyof ShownFeed]: [K, Parameters<ShownFeed[K]>] }[keyof ShownFeed];

/**
 * One conversation, as loader.js keeps it (SPEC §10 "Two scripts"): the history, the agent
 * stream, unread and tab sync, and the raw feed of what to show. Ordering, deduplication and
 * rendering are the panel's (`Shown`, carried by panel.js): until it is there, the feed waits
 * here, and is handed over whole. Knows nothing of identities: the session machine attaches
 * it to a session, which it reads and never writes.
 */
export class Chat implements SessionView {
  declare conversationId: string | undefined;
  /**
   * The stream position: the `id:` of the last event received *on the stream*, opaque
   * (`<epoch>.<seq>`), resent as Last-Event-ID. Never a seq from a POST answer or the history:
   * a reply that landed while the stream was down, before the visitor's next message, would be
   * skipped (issue 16). Empty: the stream starts from the first message, and what is already
   * shown is deduplicated.
   */
  declare position: string;
  declare engaged: boolean;
  /** The stream reconnects ("Reconnecting…" shows); `onReconnected` is the outbox's, told when it is back. */
  declare reconnecting: boolean;
  declare onReconnected: (() => void) | undefined;
  /** The panel's half, once panel.js is in. */
  declare shown: Shown | undefined;
  /** Lent to the outbox with the rest (conversation/outbox.ts). */
  declare readonly deps: ChatDeps;
  #unread = 0;
  #pagePending: PageChangeRequest | undefined;
  #closeStream: (() => void) | undefined;
  /** The session the open stream reads. */
  #streamed: string | undefined;
  /** The server forgot the session: the next conversation carries on from what is shown. */
  #lost = false;
  /** Server ids received: each is news to the visitor once (unread, `message_received`). */
  readonly #seen = new Set<string>();
  /** The feed, waiting for the panel's half. */
  #feed: Feed[] = [];

  constructor(deps: ChatDeps) {
    this.deps = deps;
    this.position = '';
  }

  get session(): string | undefined {
    return this.deps.session();
  }

  /** The panel's half arrived: it shows what waited, in order, and from now on what comes. */
  handOver(create: ShownFactory): void {
    if (this.shown) return;
    const shown = (this.shown = create(this));
    for (const [name, args] of this.#feed) (shown[name] as (...args: unknown[]) => void)(...args);
    this.#feed = [];
  }

  #put<K extends keyof ShownFeed>(name: K, ...args: Parameters<ShownFeed[K]>): void {
    if (this.shown) (this.shown[name] as (...args: unknown[]) => void)(...args);
    else this.#feed.push([name, args] as Feed);
  }

  /** Bound to the session the machine holds; a new conversation id reloads the history. */
  attach(conversationId: string): void {
    if (this.#pagePending) this.pageChange(this.#pagePending);
    if (conversationId !== this.conversationId) {
      // Re-registered in place, what is on screen stays, before the new log (SPEC §10 "Nothing typed is lost"). Else
      // messages the host page added (a greeting) stay for the same person; history replaces the rest.
      if (this.#lost) {
        this.stopStream();
        this.#put('orphan');
        this.position = '';
      } else this.#reset('local');
      this.conversationId = conversationId;
      void this.#loadHistory();
    } else if (this.#streamed !== this.session) this.#startStream();
    this.#lost = false;
  }

  /** The server forgot the session: the stream stops, what is shown stays for the next conversation. */
  lose(): void {
    this.stopStream();
    this.#lost = true;
  }

  /** Forgets everything shown, the draft too (logout, user switch). */
  detach(): void {
    const { view } = this.deps;
    this.#reset();
    view.draft = '';
    // A 429 was this visitor's: the next one starts unblocked.
    view.hideNotice('rate-limited');
    view.blockSending('rate', false);
    this.conversationId = undefined;
    this.#lost = false;
    this.#unread = 0;
    view.unread = 0;
  }

  stopStream(): void {
    this.#closeStream?.();
    this.#closeStream = this.#streamed = undefined;
    this.reconnecting = false;
    this.deps.view.hideNotice('offline');
  }

  /** `addMessage` from the host page: shown locally, never sent. */
  addLocal(body: string, author: 'agent' | 'system'): void {
    this.#put('local', body, author, this.deps.now());
  }

  /** Who is shown now (the draft kept across a Refresh is theirs only). */
  who(uuid: string | undefined): void {
    this.#put('who', uuid);
  }

  /** A server message, from the stream: news to the visitor the first time. */
  receive(message: ChatMessage): void {
    if (!this.show(message) || message.author === 'visitor') return;
    this.deps.events.emit('message_received', { message: publicMessage(message) });
    if (!this.deps.view.open) this.deps.view.unread = ++this.#unread;
  }

  /** A server message into the conversation (history, another tab); true if it is new. */
  show(message: ChatMessage): boolean {
    const added = !this.#seen.has(message.id);
    this.#seen.add(message.id);
    this.#put('show', message);
    return added;
  }

  /** The panel was opened: nothing is unread any more. */
  seen(): void {
    this.#unread = 0;
  }

  /** Tells the server the visitor is on `page` (the binding reads it from the document); before a session exists, once it does. */
  pageChange(page: PageChangeRequest): void {
    const session = this.session;
    this.#pagePending = session ? undefined : page;
    if (session) this.deps.api.page(session, page).catch(() => {});
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

  /** Forgets the stream position and what is shown but `keep`; a stream `reset` keeps what was news already. */
  #forget(keep?: 'local' | 'unsent'): void {
    this.position = '';
    if (keep !== 'unsent') this.#seen.clear();
    if (keep || this.shown) this.#put('clear', keep);
    else this.#feed = [];
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
      session: (this.#streamed = this.session!),
      lastEventId: () => this.position,
      onEvent: (event: StreamEvent, id) => {
        if (!current()) return;
        if (event.type === 'message') {
          this.receive(event.message);
          this.position = id;
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
        this.#closeStream = this.#streamed = undefined;
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
