import type { ConversationRecord } from './types.js';

/** The agent list's order (newest `updatedAt` first, then larger id), kept without sorting the store. */

/** Newer first: larger updatedAt, then larger id. */
function newer(a: ConversationRecord, b: { updatedAt: number; id: string }): boolean {
  return a.updatedAt > b.updatedAt || (a.updatedAt === b.updatedAt && a.id > b.id);
}

export function comesAfter(record: ConversationRecord, cursor: { updatedAt: number; id: string }): boolean {
  return !newer(record, cursor) && !(record.updatedAt === cursor.updatedAt && record.id === cursor.id);
}

/** Keeps `page` the `limit` newest records seen so far, newest first. */
export function insertNewestFirst(page: ConversationRecord[], record: ConversationRecord, limit: number): void {
  if (page.length === limit && !newer(record, page[page.length - 1]!)) return;
  let low = 0;
  let high = page.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (newer(record, page[middle]!)) high = middle;
    else low = middle + 1;
  }
  page.splice(low, 0, record);
  if (page.length > limit) page.pop();
}
