import type { ChatMessage, ConversationResponse, PageChangeRequest, StreamEvent } from '../../identity/index.js';
import type { Api } from '../transport/api.js';
import { publicMessage } from './conversation.js';
import type { ChatView, Shown, ShownFeed } from './view.js';
import type { Emitter } from '../support/events.js';
import type { Strings } from '../support/i18n.js';
import type { SessionMachine, SessionView } from '../session/machine.js';
import type { TokenClock } from '../session/lifecycle.js';
import type { Supersession } from '../session/supersession.js';
import { openStream } from '../transport/stream.js';
import type { TabSync } from '../support/tabs.js';
import type { MessengerEvents } from '../types.js';

export type { ChatView, Shown, ShownFeed } from './view.js';

/** Makes the panel's half for `chat` (conversation/shown.ts). */
export type ShownFactory = (chat: Chat) => Shown;

export interface ChatDeps {
  api: Api;
  view: ChatView;
  events: Emitter<MessengerEvents>;
  strings: Strings;
  tabs: TabSync;
  /** The visitor's supersession token: a logout or user switch drops every answer still on its way. */
  epoch: Supersession;
  /**
   * The session machine (session/machine.ts), made after the chat and read when needed: its
   * `session` is the credential (read here, never written); `expired()` when the server said the
   * session lapsed (401 ERR_SESSION_EXPIRED or the stream's event); `lost(code)` when it is gone
   * for another reason (ended, unknown to the server).
   */
  visitor: Pick<SessionMachine, 'session' | 'expired' | 'lost'>;
  /** The server clock, for the time of pending messages. */
  clock: Pick<TokenClock, 'serverNow'>;
}

type Feed = { [K in keyof ShownFeed]: [K, Parameters<ShownFeed[K]>] }[keyof ShownFeed];

/**
 * One conversation, as loader.js keeps it (SPEC §10 "Two scripts"): the history, the agent
 * stream, unread and tab sync, and the raw feed of what to show. Ordering, deduplication and
 * rendering are the panel's (`Shown`, carried by panel.js): until it is there, the feed waits
 * here, and is handed over whole. Knows nothing of identities: the session machine attaches
 * it to a session, which it reads and never writes.
 */
export interface Chat extends SessionView {
  /** Lent to the outbox with the rest (conversation/outbox.ts). */
  readonly deps: ChatDeps;
  /** The session the machine holds. */
  readonly session: string | undefined;
  readonly conversationId: string | undefined;
  /** The visitor wrote in this conversation already (`chat_engaged` fires once). */
  engaged: boolean;
  /** The stream reconnects ("Reconnecting…" shows); `onReconnected` is the outbox's, told when it is back. */
  readonly reconnecting: boolean;
  onReconnected: (() => void) | undefined;
  /** The panel's half, once panel.js is in. */
  readonly shown: Shown | undefined;
  /** The panel's half arrived: it shows what waited, in order, and from now on what comes. */
  handOver(create: ShownFactory): void;
  /** Feeds the panel's half (at once, or once it is there): what is shown, in order. */
  feed<K extends keyof ShownFeed>(name: K, ...args: Parameters<ShownFeed[K]>): void;
  stopStream(): void;
  /** The session lapsed (true: the stream stops, the panel shows the expired notice) or carries on. */
  lapsed(on: boolean): void;
  /** A server message, from the stream: news to the visitor the first time. */
  receive(message: ChatMessage): void;
  /** A server message into the conversation (history, another tab); true if it is new. */
  show(message: ChatMessage): boolean;
  /** The panel was opened: nothing is unread any more. */
  seen(): void;
  /** Tells the server the visitor is on `page` (the binding reads it from the document); before a session exists, once it does. */
  pageChange(page: PageChangeRequest): void;
  /** Whether work started now still belongs to what is shown: the visitor's token (logout, user switch, destroy) and the same conversation. */
  current(): () => boolean;
}

export function createChat(deps: ChatDeps): Chat {
  const { api, view, events } = deps;
  let conversationId: string | undefined;
  /**
   * The stream position: the `id:` of the last event received *on the stream*, opaque
   * (`<epoch>.<seq>`), resent as Last-Event-ID. Never a seq from a POST answer or the history:
   * a reply that landed while the stream was down, before the visitor's next message, would be
   * skipped (issue 16). Empty: the stream starts from the first message, and what is already
   * shown is deduplicated.
   */
  let position = '';
  let reconnecting = false;
  let shown: Shown | undefined;
  let unread = 0;
  let pagePending: PageChangeRequest | undefined;
  let closeStream: (() => void) | undefined;
  /** The session the open stream reads. */
  let streamed: string | undefined;
  /** The server forgot the session: the next conversation carries on from what is shown. */
  let lost = false;
  /** Server ids received: each is news to the visitor once (unread, `message_received`). */
  const seen = new Set<string>();
  /** The feed, waiting for the panel's half. */
  let feed: Feed[] = [];

  function put<K extends keyof ShownFeed>(name: K, ...args: Parameters<ShownFeed[K]>): void {
    if (shown) (shown[name] as (...args: unknown[]) => void)(...args);
    else feed.push([name, args] as Feed);
  }

  function reset(keep?: 'local'): void {
    chat.stopStream();
    forget(keep);
    chat.engaged = false;
  }

  /** Forgets the stream position and what is shown but `keep`; a stream `reset` keeps what was news already. */
  function forget(keep?: 'local' | 'unsent'): void {
    position = '';
    if (keep !== 'unsent') seen.clear();
    if (keep || shown) put('clear', keep);
    else feed = [];
  }

  async function loadHistory(): Promise<void> {
    const current = chat.current();
    put('busy', true);
    try {
      const { messages } = await api.call<ConversationResponse>('GET', '/v1/conversation', chat.session!);
      if (!current()) return;
      for (const message of messages) chat.show(message);
      chat.engaged = messages.some((m) => m.author === 'visitor');
    } catch {
      // No history (network): the stream still brings what comes next.
    } finally {
      put('busy', false);
    }
    if (current()) startStream();
  }

  function startStream(): void {
    chat.stopStream();
    const current = chat.current();
    closeStream = openStream({
      api,
      session: (streamed = chat.session!),
      lastEventId: () => position,
      onEvent: (event: StreamEvent, id) => {
        if (!current()) return;
        if (event.type === 'message') {
          chat.receive(event.message);
          position = id;
        }
        // A new epoch (the log lost its tail): what the stream gave is void, the whole log follows.
        else if (event.type === 'reset') forget('unsent');
        else if (event.type === 'session_expired') deps.visitor.expired();
        else if (event.type === 'session_ended') deps.visitor.lost('session_ended');
        // Any other event (presence, typing, read: SPEC §11) is the panel's; an unknown one is skipped there, never a sign-out.
        else put('signal', event);
      },
      onFatal: (error) => {
        if (!current()) return;
        closeStream = streamed = undefined;
        if (error.code === 'ERR_SESSION_EXPIRED') deps.visitor.expired();
        else deps.visitor.lost(error.code);
      },
      onConnected: (connected) => {
        reconnecting = !connected;
        put('offline', !connected);
        if (connected) chat.onReconnected?.();
      },
    });
  }

  const chat: Chat = {
    deps,
    engaged: false,
    onReconnected: undefined,
    get session() {
      return deps.visitor.session;
    },
    get conversationId() {
      return conversationId;
    },
    get reconnecting() {
      return reconnecting;
    },
    get shown() {
      return shown;
    },
    handOver(create) {
      if (shown) return;
      shown = create(chat);
      for (const [name, args] of feed) put(name, ...args);
      feed = [];
    },
    attach(next) {
      if (pagePending) chat.pageChange(pagePending);
      if (next !== conversationId) {
        // Re-registered in place, what is on screen stays, before the new log (SPEC §10 "Nothing typed is lost"). Else
        // messages the host page added (a greeting) stay for the same person; history replaces the rest.
        if (lost) {
          chat.stopStream();
          put('orphan');
          position = '';
        } else reset('local');
        conversationId = next;
        void loadHistory();
      } else if (streamed !== chat.session) startStream();
      lost = false;
    },
    lose() {
      chat.stopStream();
      lost = true;
    },
    detach() {
      // The draft and a rate limit go with what is shown (the panel's `clear`).
      reset();
      conversationId = undefined;
      lost = false;
      view.unread = unread = 0;
    },
    stopStream() {
      closeStream?.();
      closeStream = streamed = undefined;
      reconnecting = false;
      put('offline', false);
    },
    lapsed(on) {
      if (on) chat.stopStream();
      put('lapsed', on);
    },
    feed: put,
    receive(message) {
      if (!chat.show(message) || message.author === 'visitor') return;
      events.emit('message_received', { message: publicMessage(message) });
      if (!view.open) view.unread = ++unread;
    },
    show(message) {
      const added = !seen.has(message.id);
      seen.add(message.id);
      put('show', message);
      return added;
    },
    seen() {
      unread = 0;
    },
    pageChange(page) {
      const session = chat.session;
      pagePending = session ? undefined : page;
      if (session) api.call('POST', '/v1/page', session, page).catch(() => {});
    },
    current() {
      const ticket = deps.epoch.ticket();
      const id = conversationId;
      return () => ticket() && id === conversationId;
    },
  };
  return chat;
}
