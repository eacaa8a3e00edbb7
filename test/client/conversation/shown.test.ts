/**
 * SPEC §10 "Two scripts": loader.js keeps the conversation's raw feed (conversation/chat.ts)
 * and the panel's half (conversation/shown.ts, carried by panel.js) orders, deduplicates and
 * renders it once it is there. What came before the panel is handed over whole and in order;
 * what the loader tells at once (unread, `message_received`) does not wait for the panel; and
 * nothing of a visitor who logged out before the panel came is ever rendered.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/identity/index.js';
import { createChat, type ChatView } from '../../../src/client/conversation/chat.js';
import type { Entry } from '../../../src/client/conversation/conversation.js';
import { createShown } from '../../../src/client/conversation/shown.js';
import { createSupersession } from '../../../src/client/session/supersession.js';
import { Emitter } from '../../../src/client/support/events.js';
import { Strings } from '../../../src/client/support/i18n.js';
import type { Api } from '../../../src/client/transport/api.js';
import type { MessengerEvents } from '../../../src/client/types.js';

/** A screen as the element keeps it: keys in the order shown. */
class Screen implements ChatView {
  open = false;
  draft = '';
  busy = false;
  unread = 0;
  order: string[] = [];
  bodies = new Map<string, string>();
  renders = 0;
  renderEntry(entry: Entry, before?: string): void {
    this.renders++;
    this.bodies.set(entry.key, entry.body);
    if (this.order.includes(entry.key)) return;
    const at = before === undefined ? -1 : this.order.indexOf(before);
    if (at < 0) this.order.push(entry.key);
    else this.order.splice(at, 0, entry.key);
  }
  removeEntry(key: string): void {
    this.order = this.order.filter((k) => k !== key);
  }
  shown(): string[] {
    return this.order.map((k) => this.bodies.get(k)!);
  }
  showNotice(): void {}
  hideNotice(): void {}
  /** No composer here: the outbox is driven directly. */
  addEventListener(): void {}
  blockSending(): void {}
}

const message = (seq: number, body: string, author: ChatMessage['author'] = 'agent'): ChatMessage => ({ id: `m${seq}`, seq, author, body, createdAt: seq });

function harness() {
  const screen = new Screen();
  const events = new Emitter<MessengerEvents>();
  const received: string[] = [];
  events.on('message_received', ({ message }) => received.push(message.body));
  const chat = createChat({
    api: {} as Api,
    view: screen,
    events,
    strings: new Strings('en'),
    tabs: { post() {}, close() {} },
    epoch: createSupersession(),
    visitor: { session: undefined, expired() {}, lost() {} },
    clock: { serverNow: () => 0 },
  });
  return { chat, screen, received };
}

afterEach(() => sessionStorage.clear());

describe('the feed before the panel', () => {
  it('waits whole, is told unread at once, and is shown in the server order, once, when the panel comes', () => {
    const { chat, screen, received } = harness();
    chat.feed('local', 'Hi! How can we help?', 'agent', 0);
    chat.show(message(1, 'history'));
    chat.receive(message(3, 'three'));
    // Late on the stream (it landed while it was down): it goes before 3 once shown.
    chat.receive(message(2, 'two'));
    chat.receive(message(3, 'three'));
    expect(screen.renders).toBe(0);
    expect(received).toEqual(['three', 'two']);
    expect(screen.unread).toBe(2);

    chat.handOver(createShown);
    expect(screen.shown()).toEqual(['Hi! How can we help?', 'history', 'two', 'three']);
    // And from then on, straight through.
    chat.receive(message(4, 'four'));
    expect(screen.shown().at(-1)).toBe('four');
    expect(received).toEqual(['three', 'two', 'four']);
  });

  it('a logout before the panel comes: nothing of the last visitor is ever rendered', () => {
    const { chat, screen } = harness();
    chat.receive(message(1, 'for the last visitor'));
    chat.detach();
    chat.receive({ ...message(1, 'for the next one'), id: 'n1' });
    chat.handOver(createShown);
    expect(screen.shown()).toEqual(['for the next one']);
    expect(screen.bodies.has('sm1')).toBe(false);
  });

  it('the draft a Refresh kept goes back to its visitor only, even when the panel comes after the identity', () => {
    sessionStorage.setItem('chatq.draft', 'visitor-1\nmy unsent words');
    const { chat, screen } = harness();
    chat.feed('who', { uuid: 'visitor-1', fields: {} } as never);
    chat.handOver(createShown);
    expect(screen.draft).toBe('my unsent words');
    expect(sessionStorage.getItem('chatq.draft')).toBeNull();

    sessionStorage.setItem('chatq.draft', 'visitor-1\nnot for another');
    const other = harness();
    other.chat.handOver(createShown);
    other.chat.feed('who', { uuid: 'visitor-2', fields: {} } as never);
    expect(other.screen.draft).toBe('');
  });
});
