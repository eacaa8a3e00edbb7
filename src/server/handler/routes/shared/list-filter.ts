import type { AgentConversationSummary, AgentIdentity } from '../../../../identity/index.js';
import { pageCursor, type ConversationRecord } from '../../../store/index.js';
import type { HandlerContext } from '../../context.js';
import { HttpError } from '../../http/errors.js';
import { agentSummary } from './agent.js';

/** The agent list's filters (SPEC §11: open / closed / mine, search by uuid, name or e-mail). */
export interface ListFilter {
  status?: 'open' | 'closed';
  /** An agent id; `null` for unassigned. */
  assignee?: string | null;
  /** Lower-cased search text. */
  q?: string;
}

/** Conversations looked at per request at most while filtering: a page may come back short, with a cursor to go on. */
const SCAN_LIMIT = 2_000;
const SCAN_PAGE = 200;
const QUERY_MAX = 100;

/** `?status=open|closed`, `?assignee=me|none|<agent id>`, `?q=` — each checked, with a sentence for a wrong one. */
export function readListFilter(query: URLSearchParams, me: AgentIdentity): ListFilter | undefined {
  const filter: ListFilter = {};
  const status = query.get('status');
  if (status !== null) {
    if (status !== 'open' && status !== 'closed') throw new HttpError(400, 'ERR_BAD_REQUEST', 'status must be open or closed.');
    filter.status = status;
  }
  const assignee = query.get('assignee');
  if (assignee !== null) {
    if (!/^[A-Za-z0-9._@:-]{1,128}$/.test(assignee)) throw new HttpError(400, 'ERR_BAD_REQUEST', 'assignee must be me, none or an agent id.');
    filter.assignee = assignee === 'me' ? me.id : assignee === 'none' ? null : assignee;
  }
  const q = query.get('q');
  if (q !== null && q.trim() !== '') {
    if (q.length > QUERY_MAX) throw new HttpError(400, 'ERR_BAD_REQUEST', `q must be at most ${QUERY_MAX} characters.`);
    filter.q = q.trim().toLowerCase();
  }
  return Object.keys(filter).length === 0 ? undefined : filter;
}

/** Whether a summary passes the filter: the search looks at the uuid, the e-mails and every mapped field (names). */
export function matchesFilter(summary: AgentConversationSummary, filter: ListFilter): boolean {
  if (filter.status !== undefined && summary.status !== filter.status) return false;
  if (filter.assignee !== undefined && (summary.assignee ?? null) !== filter.assignee) return false;
  if (filter.q === undefined) return true;
  const q = filter.q;
  return [summary.uuid, summary.email, ...Object.values(summary.fields)].some((value) => typeof value === 'string' && value.toLowerCase().includes(q));
}

/**
 * One filtered page, read from the store's newest-first pages: every engine
 * can answer it without an index. At most SCAN_LIMIT conversations are looked
 * at per request; the cursor then continues where the scan stopped.
 */
export async function filteredPage(
  ctx: HandlerContext,
  filter: ListFilter,
  limit: number,
  cursor: string | undefined,
): Promise<{ conversations: AgentConversationSummary[]; cursor?: string }> {
  const found: AgentConversationSummary[] = [];
  let scanned = 0;
  let position = cursor;
  let last: ConversationRecord | undefined;
  while (found.length < limit && scanned < SCAN_LIMIT) {
    const page = await ctx.store.listConversations({ community: ctx.community, limit: SCAN_PAGE, ...(position ? { cursor: position } : {}) });
    for (const record of page.conversations) {
      scanned++;
      last = record;
      const summary = agentSummary(record);
      if (matchesFilter(summary, filter)) found.push(summary);
      if (found.length === limit) break;
    }
    if (found.length === limit) return { conversations: found, cursor: pageCursor(last!) };
    if (page.cursor === undefined) return { conversations: found };
    position = page.cursor;
  }
  return { conversations: found, ...(last ? { cursor: pageCursor(last) } : {}) };
}
