import { describe, expect, it } from 'vitest';
import { comesAfter, insertNewestFirst } from '../../../src/server/store/newest-first.js';
import type { ConversationRecord } from '../../../src/server/store/types.js';
import { conversation } from './fixtures.js';

const ids = (page: ConversationRecord[]) => page.map((record) => record.id);

describe('the agent list order: newest updatedAt first, then the larger id', () => {
  it('keeps a page in that order whatever order the records come in', () => {
    const page: ConversationRecord[] = [];
    for (const record of [conversation('b', 20), conversation('a', 30), conversation('c', 20), conversation('d', 10), conversation('a2', 30)]) insertNewestFirst(page, record, 10);
    expect(ids(page)).toEqual(['a2', 'a', 'c', 'b', 'd']);
  });

  it('keeps only the `limit` newest, dropping an older record without growing the page', () => {
    const page: ConversationRecord[] = [];
    for (const [id, at] of [['old', 1], ['new', 50], ['mid', 25], ['older', 0], ['newest', 99]] as const) insertNewestFirst(page, conversation(id, at), 2);
    expect(ids(page)).toEqual(['newest', 'new']);
    insertNewestFirst(page, conversation('me-smaller-id', 50), 2);
    expect(ids(page)).toEqual(['newest', 'new']);
  });

  it('a record comes after a cursor when it is older, or as old with a smaller id; never the cursor itself', () => {
    const cursor = { updatedAt: 20, id: 'm' };
    expect(comesAfter(conversation('z', 19), cursor)).toBe(true);
    expect(comesAfter(conversation('a', 20), cursor)).toBe(true);
    expect(comesAfter(conversation('m', 20), cursor)).toBe(false);
    expect(comesAfter(conversation('n', 20), cursor)).toBe(false);
    expect(comesAfter(conversation('a', 21), cursor)).toBe(false);
  });
});
