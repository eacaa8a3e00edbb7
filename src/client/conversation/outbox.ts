import type { ChatMessage, SendMessageRequest, SendMessageResponse } from '../../identity/index.js';
import type { ApiError } from '../transport/api.js';
import { publicMessage, type Entry } from './conversation.js';
import { randomId } from '../support/ids.js';
import type { ChatDeps } from './chat.js';

/**
 * What the outbox needs of the conversation it sends into (`Chat`, conversation/chat.ts):
 * the session it is bound to and the rule that says whether work started now still belongs
 * to what is shown.
 */
export interface OutboxHost {
  readonly session: string | undefined;
  readonly conversationId: string | undefined;
  readonly deps: ChatDeps;
  /** The visitor wrote in this conversation already (`chat_engaged` fires once). */
  engaged: boolean;
  /** The stream is reconnecting: the server is out of reach for now. */
  readonly reconnecting: boolean;
  /** Set by the outbox: called when the stream is back. */
  onReconnected: (() => void) | undefined;
  /** Whether work started now still belongs to what is shown (same visitor, same conversation). */
  current(): () => boolean;
}

/** The messages shown (conversation/shown.ts), which the outbox adds to. */
export interface OutboxList {
  readonly entries: Entry[];
  /** A server message into the conversation and on screen, in its place. */
  show(message: ChatMessage): { entry: Entry };
}

/** The visitor's side of the conversation: the composer's messages on their way, and their retries. */
export interface Outbox {
  /** Returns whether the text was taken. */
  send(body: string): boolean;
  retry(key: string): void;
}

export type OutboxFactory = (chat: OutboxHost, list: OutboxList) => Outbox;

/** The one text only sending shows; added under the host's translations when the outbox is made. */
const TEXTS = {
  en: { rate: 'You are sending messages too fast. Please wait {seconds} seconds and try again.' },
  fr: { rate: 'Vous envoyez des messages trop vite. Veuillez patienter {seconds} secondes puis réessayer.' },
};

/**
 * Sending, SPEC §5, §10: each message with a clientId (a retry never duplicates), a 429 or a
 * lapsed session puts the text back in the composer, any other failure is marked for a retry.
 * Carried by panel.js, not loader.js (SPEC §10 "Two scripts"): nothing is typed before the
 * panel is there, so nothing is sent before either.
 */
export const createOutbox: OutboxFactory = (chat, list) => {
  const { deps } = chat;
  const { view, strings } = deps;
  strings.add(TEXTS, true);
  let rateTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Messages written while the server is out of reach (SPEC §10 "Nothing typed is lost"): they
   * stay "sending" and go out in order, one at a time, once the stream is back.
   */
  const waiting: Entry[] = [];
  let flushing = false;

  /** Puts `entry` in the queue in its place on screen (two sends may fail in either order). */
  const wait = (entry: Entry): void => {
    waiting.push(entry);
    waiting.sort((a, b) => list.entries.indexOf(a) - list.entries.indexOf(b));
  };

  chat.onReconnected = async () => {
    if (flushing) return;
    flushing = true;
    while (waiting.length && !chat.reconnecting) {
      const entry = waiting.shift()!;
      // Another visitor or conversation since (logout, switch): its messages went with it.
      if (!list.entries.includes(entry)) continue;
      // Still out of reach: it went back into the queue; the next reconnect goes on.
      if (!(await deliver(entry))) break;
    }
    flushing = false;
  };

  /** Sends `entry`; false when it reached no server and waits for the stream to come back. */
  async function deliver(entry: Entry): Promise<boolean> {
    const current = chat.current();
    let message: ChatMessage | undefined;
    try {
      ({ message } = await deps.api.call<SendMessageResponse>('POST', '/v1/messages', chat.session, { clientId: entry.clientId!, body: entry.body } satisfies SendMessageRequest));
    } catch (error) {
      if (current() && entry.state !== 'sent' && (error as ApiError).status === 0 && chat.reconnecting) {
        wait(entry);
        return false;
      }
      // The stream brought the message back before its answer was lost: the server has it, it is sent.
      if (current() && entry.state !== 'sent') undelivered(entry, error);
      if (entry.state !== 'sent') return true;
    }
    if (!current()) return true;
    // Without an answer, the stream has shown it already.
    const sent = message ? list.show(message).entry : entry;
    deps.events.emit('message_sent', { message: publicMessage(sent) });
    if (!chat.engaged) {
      chat.engaged = true;
      deps.events.emit('chat_engaged', { message: publicMessage(sent) });
    }
    if (message) deps.tabs.post({ type: 'message', conversationId: chat.conversationId!, message });
    return true;
  }

  /** A send that failed: back into the composer (429, lapsed session) or marked for a retry. */
  function undelivered(entry: Entry, error: unknown): void {
    // By shape, not `instanceof`: the error comes from loader.js's Api, whose ApiError is another class than panel.js's copy.
    const status = typeof (error as ApiError | undefined)?.status === 'number' ? (error as ApiError) : undefined;
    // Refused for its length (a server whose limit the composer did not know): a retry would fail
    // the same way, so the text goes back and the composer's counter counts to the server's own number.
    const limit = status?.code === 'ERR_MESSAGE_INVALID' ? /at most (\d+) characters/.exec(status.message)?.[1] : undefined;
    if (limit) view.policy = { ...view.policy, messageMaxLength: Number(limit) };
    if (status && (status.status === 429 || status.code === 'ERR_SESSION_EXPIRED' || limit)) {
      // Nothing typed is lost: the text goes back into the composer (SPEC §5, §6).
      const { entries } = list;
      entries.splice(entries.indexOf(entry), 1);
      view.removeEntry(entry.key);
      view.draft = view.draft ? `${entry.body}\n${view.draft}` : entry.body;
      if (status.status === 429) rateLimited(status.retryAfter ?? 5);
      else if (!limit) deps.visitor.expired();
      return;
    }
    entry.state = 'failed';
    view.renderEntry(entry);
    if (status?.status === 401) deps.visitor.lost(status.code);
  }

  function rateLimited(seconds: number): void {
    view.showNotice('rate-limited', strings.t('rate', { seconds: Math.ceil(seconds) }));
    view.blockSending('rate', true);
    clearTimeout(rateTimer);
    rateTimer = setTimeout(() => {
      view.hideNotice('rate-limited');
      view.blockSending('rate', false);
    }, seconds * 1000);
  }

  return {
    send(body) {
      if (!chat.session) return false;
      const entry: Entry = { key: randomId(), author: 'visitor', body, createdAt: deps.clock.serverNow(), state: 'sending' };
      entry.clientId = entry.key;
      list.entries.push(entry);
      view.renderEntry(entry);
      // Behind what waits already: the conversation reads in the order it was written.
      if (waiting.length || flushing) wait(entry);
      else void deliver(entry);
      return true;
    },
    retry(key) {
      const entry = list.entries.find((e) => e.key === key);
      if (!entry || entry.state !== 'failed' || !chat.session) return;
      entry.state = 'sending';
      view.renderEntry(entry);
      void deliver(entry);
    },
  };
};
