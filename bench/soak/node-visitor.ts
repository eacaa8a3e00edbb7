/**
 * A visitor in node that runs the widget's OWN conversation code: the Chat of
 * src/client/conversation (sending with a clientId, the stream with its
 * reconnects and Last-Event-ID, dedup of what the POST answer, the stream and
 * the history bring), on the widget's Api and stream (src/client/transport).
 * Only the screen is replaced: `Screen` implements the ChatView interface the
 * way <chatq-messenger> does (a message is appended where it is first
 * rendered, updated in place after), so its list is what the element shows.
 *
 * The "person" sends `count` messages at random intervals and presses retry on
 * a failed one (at most RETRIES times each), like a visitor would. Every loop
 * is bounded in count and time.
 */
import type { ChatMessage, RegisterResponse, SendMessageResponse } from '../../src/identity/index.js';
import { createChat, type Chat, type ChatView } from '../../src/client/conversation/chat.js';
import type { Entry } from '../../src/client/conversation/conversation.js';
import type { Outbox } from '../../src/client/conversation/outbox.js';
import { createShown } from '../../src/client/conversation/shown.js';
import { createSupersession } from '../../src/client/session/supersession.js';
import { Emitter } from '../../src/client/support/events.js';
import { Strings } from '../../src/client/support/i18n.js';
import { randomId } from '../../src/client/support/ids.js';
import { Api } from '../../src/client/transport/api.js';
import type { MessengerEvents } from '../../src/client/types.js';
import type { Ledger } from './ledger.js';

const RETRIES = 10;
const REGISTER_ATTEMPTS = 20;

/**
 * What <chatq-messenger> shows, without a DOM: messages in screen order. A new
 * one goes where the conversation says (`before`: the key of the entry it
 * precedes; none: at the end), an update stays in place, as the element does.
 */
class Screen implements ChatView {
  open = true;
  draft = '';
  busy = false;
  unread = 0;
  readonly shown = new Map<string, { author: string; body: string; state: string }>();
  #order: string[] = [];
  renderEntry(entry: Entry, before?: string): void {
    const fields = { author: entry.author, body: entry.body, state: entry.state };
    const node = this.shown.get(entry.key);
    if (node) return void Object.assign(node, fields);
    this.shown.set(entry.key, fields);
    const at = before === undefined ? -1 : this.#order.indexOf(before);
    if (at < 0) this.#order.push(entry.key);
    else this.#order.splice(at, 0, entry.key);
  }
  removeEntry(key: string): void {
    this.shown.delete(key);
    this.#order = this.#order.filter((k) => k !== key);
  }
  /** The messages, in screen order. */
  list(): { author: string; body: string; state: string }[] {
    return this.#order.map((k) => this.shown.get(k)!);
  }
  showNotice(): void {}
  hideNotice(): void {}
  /** No composer here: the outbox is driven directly. */
  addEventListener(): void {}
  blockSending(): void {}
}

export interface NodeVisitorOptions {
  base: string;
  index: number;
  ledger: Ledger;
  count: number;
  /** Mean pause between two messages (ms). */
  intervalMs: number;
  /** No new message after this time (ms since the epoch). */
  sendUntil: number;
}

export class NodeVisitor {
  readonly screen = new Screen();
  conversationId: string | undefined;
  sessionLost = 0;
  readonly #chat: Chat;
  /** The credential, as the widget's session machine holds it (the Chat reads it). */
  #session: string | undefined;
  /** Sending: the half panel.js carries in a browser (SPEC §10). */
  readonly #outbox: Outbox;
  readonly #api: Api;
  readonly #options: NodeVisitorOptions;
  readonly #retries = new Map<string, number>();
  #stopped = false;

  constructor(options: NodeVisitorOptions) {
    this.#options = options;
    const api = new Api(options.base);
    // The ledger hears the 2xx answers the widget's own send gets (its seq included).
    const call = api.call.bind(api);
    api.call = (async (method: 'GET' | 'POST' | 'DELETE', path: string, session?: string, body?: object) => {
      const answer = await call(method, path, session, body);
      if (path === '/v1/messages' && this.conversationId) options.ledger.ack(this.conversationId, (answer as unknown as SendMessageResponse).message as ChatMessage);
      return answer;
    }) as Api['call'];
    this.#api = api;
    const session = (): string | undefined => this.#session;
    this.#chat = createChat({
      api,
      view: this.screen,
      events: new Emitter<MessengerEvents>(),
      strings: new Strings('en'),
      // One tab per visitor: nothing to tell other tabs.
      tabs: { post() {}, close() {} },
      epoch: createSupersession(),
      visitor: {
        get session() {
          return session();
        },
        expired: () => this.sessionLost++,
        lost: () => this.sessionLost++,
      },
      clock: { serverNow: () => Date.now() },
    });
    this.#chat.handOver(createShown);
    this.#outbox = this.#chat.shown!;
  }

  /** Registers (anonymous, automated uuid), opens the stream, then sends; resolves when done sending. */
  async run(): Promise<void> {
    const o = this.#options;
    const automatedUuid = randomId();
    for (let attempt = 1; attempt <= REGISTER_ATTEMPTS && !this.#stopped && Date.now() < o.sendUntil; attempt++) {
      try {
        const registered = await this.#api.call<RegisterResponse>('POST', '/v1/identity', undefined, { automatedUuid });
        this.conversationId = registered.conversationId;
        this.#session = registered.session;
        this.#chat.attach(registered.conversationId);
        break;
      } catch {
        await pause(500 + Math.random() * 1_000);
      }
    }
    if (!this.conversationId) return;
    for (let n = 1; n <= o.count && !this.#stopped && Date.now() < o.sendUntil; n++) {
      await pause(o.intervalMs * (0.5 + Math.random()));
      this.retryFailed();
      this.#outbox.send(`v${o.index}-${n}`);
    }
  }

  /** The visitor presses "retry" on each failed message (bounded per message). */
  retryFailed(): number {
    let pending = 0;
    for (const [key, entry] of this.screen.shown) {
      if (entry.state === 'sending') pending++;
      if (entry.state !== 'failed') continue;
      const tries = this.#retries.get(key) ?? 0;
      if (tries >= RETRIES) continue;
      this.#retries.set(key, tries + 1);
      this.#outbox.retry(key);
      pending++;
    }
    return pending;
  }

  /** The bodies on screen, in screen order. */
  shownBodies(): string[] {
    return this.screen.list().map((m) => m.body);
  }

  stop(): void {
    this.#stopped = true;
    this.#chat.stopStream();
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
