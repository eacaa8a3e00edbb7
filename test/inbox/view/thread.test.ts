/** The open conversation's messages (src/inbox/view/thread.ts): authors, times, "Seen", replies on their way. */
import { describe, expect, it } from 'vitest';
import type { Thread } from '../../../src/inbox/model.js';
import { shortTime } from '../../../src/inbox/view/format.js';
import { renderMessages, type PendingReply } from '../../../src/inbox/view/thread.js';
import { conversation, message } from '../fixtures.js';

const NOW = Date.UTC(2026, 0, 15, 12);
const thread = (change: Partial<Thread> = {}): Thread => ({ messages: [], more: false, loading: false, ...change });
const agent = (seq: number, name?: string) => message(seq, { author: 'agent', ...(name === undefined ? {} : { agent: { id: 'a1', name } }) });
const seenUnder = (nodes: HTMLElement[]): (string | undefined)[] => nodes.filter((node) => node.querySelector('.seen')).map((node) => node.dataset.seq);

describe('renderMessages', () => {
  it('shows each message oldest first with who wrote it, its text and its time', () => {
    const messages = [message(1, { body: 'Hello?' }), agent(2, 'Grace'), message(3, { author: 'system', body: 'Conversation closed' })];
    const nodes = renderMessages(conversation(), thread({ messages }), [], NOW);
    expect(nodes.map((node) => [node.dataset.author, node.dataset.seq])).toEqual([['visitor', '1'], ['agent', '2'], ['system', '3']]);
    expect(nodes.map((node) => node.querySelector('.by')?.textContent)).toEqual(['Visitor', 'Grace', undefined]);
    expect(nodes[0]!.querySelector('span[dir=auto]')!.textContent).toBe('Hello?');
    const time = nodes[0]!.querySelector('time')!;
    expect(time.getAttribute('datetime')).toBe(new Date(messages[0]!.createdAt).toISOString());
    expect(time.textContent).toBe(shortTime(messages[0]!.createdAt, NOW));
  });

  it('names an agent message without an agent "Agent"', () => {
    expect(renderMessages(conversation(), thread({ messages: [agent(1)] }), [], NOW)[0]!.querySelector('.by')!.textContent).toBe('Agent');
  });

  it('puts "Seen" under the last agent reply once the visitor has read it, and nowhere else', () => {
    const messages = [agent(1), message(2), agent(3), message(4)];
    expect(seenUnder(renderMessages(conversation({ visitorReadSeq: 3 }), thread({ messages }), [], NOW))).toEqual(['3']);
    expect(seenUnder(renderMessages(conversation({ visitorReadSeq: 4 }), thread({ messages }), [], NOW))).toEqual(['3']);
    expect(seenUnder(renderMessages(conversation({ visitorReadSeq: 2 }), thread({ messages }), [], NOW))).toEqual([]);
    expect(seenUnder(renderMessages(conversation({ visitorReadSeq: 9 }), thread({ messages: [message(1)] }), [], NOW))).toEqual([]);
  });

  it('offers the earlier messages first, and says when they are loading', () => {
    const [more] = renderMessages(conversation(), thread({ messages: [message(5)], more: true }), [], NOW);
    expect([more!.tagName, more!.className, more!.textContent]).toEqual(['BUTTON', 'older', 'Load earlier messages']);
    expect(renderMessages(conversation(), thread({ messages: [message(5)], more: true, loading: true }), [], NOW)[0]!.textContent).toBe('Loading…');
  });

  it('shows replies on their way after the messages: sending, or failed with the reason and a Retry', () => {
    const pending: PendingReply[] = [
      { clientId: 'reply-1', body: 'On it', state: 'sending' },
      { clientId: 'reply-2', body: 'Still there?', state: 'failed', error: 'Not sent: too long.' },
      { clientId: 'reply-3', body: 'Hm', state: 'failed' },
    ];
    const nodes = renderMessages(conversation(), thread({ messages: [message(1)] }), pending, NOW).slice(1);
    expect(nodes.map((node) => [node.dataset.author, node.dataset.state, node.firstChild!.textContent])).toEqual([
      ['agent', 'sending', 'On it'],
      ['agent', 'failed', 'Still there?'],
      ['agent', 'failed', 'Hm'],
    ]);
    expect(nodes.map((node) => node.querySelector('.state')!.textContent)).toEqual(['Sending…', 'Not sent: too long. Retry', 'Not sent. Retry']);
    expect(nodes[0]!.querySelector('.retry')).toBeNull();
    expect(nodes.slice(1).map((node) => node.querySelector<HTMLElement>('.retry')!.dataset.clientId)).toEqual(['reply-2', 'reply-3']);
  });

  it('says when the conversation has no messages yet, but not while loading or with a reply on its way', () => {
    const empty = renderMessages(conversation(), thread(), [], NOW);
    expect(empty.map((node) => [node.className, node.textContent])).toEqual([['empty', 'No messages yet.']]);
    expect(renderMessages(conversation(), thread({ loading: true }), [], NOW)).toEqual([]);
    expect(renderMessages(conversation(), thread(), [{ clientId: 'r', body: 'Hi', state: 'sending' }], NOW)).toHaveLength(1);
  });

  it('keeps message text as text: markup stays characters', () => {
    const nodes = renderMessages(conversation(), thread({ messages: [message(1, { body: '<img src=x onerror=alert(1)>' })] }), [{ clientId: 'r', body: '<b>x</b>', state: 'sending' }], NOW);
    for (const node of nodes) expect(node.querySelector('img, b')).toBeNull();
    expect(nodes.map((node) => node.firstElementChild?.nextSibling?.textContent ?? node.firstChild!.textContent)).toEqual(['<img src=x onerror=alert(1)>', '<b>x</b>']);
  });
});
