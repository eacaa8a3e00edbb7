/**
 * The agent list's page cursor: the position of the last conversation of a
 * page in the newest-first order, `<updatedAt>.<id>`. Opaque to clients; a
 * malformed one starts from the newest (it holds nothing secret to protect).
 */
export function pageCursor(record: { updatedAt: number; id: string }): string {
  return `${record.updatedAt}.${record.id}`;
}

export function readPageCursor(cursor: string | undefined): { updatedAt: number; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const match = /^(\d{1,16})\.([A-Za-z0-9_.-]{1,160})$/.exec(cursor);
  return match ? { updatedAt: Number(match[1]), id: match[2]! } : undefined;
}
