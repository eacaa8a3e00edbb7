/** SPEC §10 "Typing and read": the visitor's read reports and "Seen" (panel/read.ts). */
import { afterEach, describe, expect, it } from 'vitest';
import { readReceipts } from '../../../src/client/panel/read.js';
import { h } from '../../../src/client/ui/dom.js';
import type { MessageView } from '../../../src/client/ui/panel-contract.js';
import { fakeHost } from './host.js';

afterEach(() => document.body.replaceChildren());

function setup() {
  const { host, calls, t } = fakeHost();
  const list = h('div');
  document.body.append(list);
  const read = readReceipts(host, t, list);
  const show = (entry: Partial<MessageView> & Pick<MessageView, 'author'>) => {
    const node = h('div', { part: 'message', 'data-author': entry.author });
    list.append(node);
    read.entry({ key: String(entry.seq), body: '', state: 'sent', ...entry }, node);
    return node;
  };
  return { read, calls, show, list };
}

describe('read, both ways', () => {
  it('reports the newest agent message once, only when the visitor can see it', () => {
    const { read, calls, show } = setup();
    show({ author: 'visitor', seq: 1 });
    read.report(true);
    expect(calls).toEqual([]);
    show({ author: 'agent', seq: 2 });
    read.report(false);
    expect(calls).toEqual([]);
    read.report(true);
    read.report(true);
    expect(calls).toEqual([['/v1/read', { seq: 2 }]]);
  });

  it('"Seen" goes under the visitor\'s last message once the agents read it, and moves on', () => {
    const { read, show, list } = setup();
    const first = show({ author: 'visitor', seq: 1 });
    read.agents(1);
    read.place();
    expect(first.querySelector('.seen')!.textContent).toBe('Seen');
    const second = show({ author: 'visitor', seq: 2 });
    read.place();
    expect(list.querySelectorAll('.seen').length).toBe(0);
    read.agents(2);
    read.place();
    expect(second.querySelector('.seen')).not.toBeNull();
    // Unsent (no seq yet): not read.
    show({ author: 'visitor' });
    read.place();
    expect(list.querySelectorAll('.seen').length).toBe(0);
  });
});
