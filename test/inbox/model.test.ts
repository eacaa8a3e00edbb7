import { describe, expect, it } from 'vitest';
import type { AgentConversationSummary, AgentMeResponse } from '../../src/identity/index.js';
import { InboxModel } from '../../src/inbox/model.js';

const summary = (id: string, updatedAt: number, change: Partial<AgentConversationSummary> = {}): AgentConversationSummary => ({
  id, updatedAt, unread: 0, uuid: `u-${id}`, uuidSource: 'jwt', signed: true, fields: { firstname: `Name ${id}` }, customFields: {},
  extraValues: {}, warnings: [], lastSeq: 1, status: 'open', visitorReadSeq: 0, agentReadSeq: 0, ...change,
});

describe('InboxModel: a list page that was read before a change arrives after it', () => {
  it('keeps the change: a conversation assigned while "Mine" loaded stays listed, with its assignee', () => {
    const model = new InboxModel(() => {});
    model.me = { agent: { id: 'ada', name: 'Ada' }, available: [] } as unknown as AgentMeResponse;
    model.query = { view: 'mine', q: '' };
    model.pageAsked();
    // The assignment's answer arrives first; the page was read before it was stored.
    const assigned = summary('a', 5, { assignee: 'ada' });
    model.upsert(assigned);
    model.addPage([], undefined, true);
    expect(model.order).toEqual(['a']);
    expect(model.conversations.get('a')).toBe(assigned);
  });

  it('keeps the newer state of a conversation the page also lists (a close, then a stale open page)', () => {
    const model = new InboxModel(() => {});
    model.pageAsked();
    model.upsert(summary('b', 7, { status: 'closed' })); // closed meanwhile: leaves the open list
    model.addPage([summary('a', 6), summary('b', 4)], undefined, true);
    expect(model.order).toEqual(['a']);
    expect(model.conversations.get('b')?.status).toBe('closed');
  });

  it('a later page with no change in between is taken as it is', () => {
    const model = new InboxModel(() => {});
    model.pageAsked();
    model.upsert(summary('a', 3));
    model.addPage([summary('a', 3)], undefined, true);
    model.pageAsked();
    model.addPage([summary('b', 2), summary('a', 1, { status: 'open', unread: 4 })], undefined, true);
    expect(model.order).toEqual(['b', 'a']);
    expect(model.conversations.get('a')?.unread).toBe(4);
  });
});

describe('InboxModel: the order under live summaries', () => {
  it('a summary with no newer activity keeps the row where it is, even among conversations of the same time', () => {
    const model = new InboxModel(() => {});
    model.addPage([summary('a', 5), summary('b', 5), summary('c', 5)], undefined, true);
    // The stream's snapshot on connecting, and a read or a rename: the same updatedAt.
    model.upsert(summary('a', 5, { agentReadSeq: 1 }));
    model.upsert(summary('b', 5, { unread: 2 }));
    expect(model.order).toEqual(['a', 'b', 'c']);
    expect(model.conversations.get('a')?.agentReadSeq).toBe(1);
  });

  it('newer activity still moves a conversation to the top, and one that stops matching leaves the list', () => {
    const model = new InboxModel(() => {});
    model.addPage([summary('a', 5), summary('b', 4)], undefined, true);
    model.upsert(summary('b', 6));
    expect(model.order).toEqual(['b', 'a']);
    model.upsert(summary('a', 5, { status: 'closed' }));
    expect(model.order).toEqual(['b']);
    model.upsert(summary('a', 5));
    expect(model.order).toEqual(['b', 'a']);
  });
});
