import { describe, expect, it } from 'vitest';
import type { AgentConversationSummary } from '../../../src/identity/index.js';
import { InboxModel } from '../../../src/inbox/model.js';
import { renderList } from '../../../src/inbox/view/list.js';

const summary = (id: string, updatedAt: number, unread = 0): AgentConversationSummary => ({
  id, updatedAt, unread, uuid: `u-${id}`, uuidSource: 'jwt', signed: true, fields: { firstname: `Name ${id}` }, customFields: {},
  extraValues: {}, warnings: [], lastSeq: 1, status: 'open', visitorReadSeq: 0, agentReadSeq: 0,
});

const rowOf = (list: HTMLElement, id: string) => list.querySelector<HTMLElement>(`.item[data-id="${id}"]`)!;

describe('the inbox conversation list', () => {
  it('keeps each row (and the focus on it) while the list changes live', () => {
    const model = new InboxModel(() => {});
    const list = document.createElement('div');
    document.body.append(list);
    model.addPage([summary('a', 2), summary('b', 1)], undefined, true);
    renderList(model, 10, list);
    const b = rowOf(list, 'b');
    b.focus();
    expect(document.activeElement).toBe(b);

    model.upsert(summary('a', 3, 2)); // a new visitor message elsewhere: a's badge changes
    renderList(model, 10, list);
    model.upsert(summary('c', 4)); // a new conversation on top
    renderList(model, 10, list);

    expect(rowOf(list, 'b')).toBe(b);
    expect(b.isConnected).toBe(true);
    expect(document.activeElement).toBe(b);
    expect([...list.querySelectorAll<HTMLElement>('.item')].map((item) => item.dataset.id)).toEqual(['c', 'a', 'b']);
    expect(rowOf(list, 'a').querySelector('.badge')?.textContent).toBe('2 unread');
  });

  it('moves a row that changed place, drops one that left, and says when nothing matches', () => {
    const model = new InboxModel(() => {});
    const list = document.createElement('div');
    model.addPage([summary('a', 2), summary('b', 1)], undefined, true);
    renderList(model, 10, list);
    const b = rowOf(list, 'b');
    model.upsert(summary('b', 5));
    renderList(model, 10, list);
    expect([...list.querySelectorAll<HTMLElement>('.item')].map((item) => item.dataset.id)).toEqual(['b', 'a']);
    expect(rowOf(list, 'b')).toBe(b);
    model.upsert({ ...summary('a', 6), status: 'closed' }); // leaves the Open view
    renderList(model, 10, list);
    expect(list.querySelectorAll('.item')).toHaveLength(1);
    model.upsert({ ...summary('b', 7), status: 'closed' });
    renderList(model, 10, list);
    expect(list.textContent).toBe('No conversations here yet.');
  });
});
