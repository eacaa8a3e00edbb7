/**
 * The agent list's filters (SPEC §11: open / closed / mine / unassigned,
 * search by uuid, name or e-mail): the query read with a sentence for a wrong
 * value, the match, and the filtered page read from the store's newest-first
 * pages — at most 2,000 conversations looked at per request, the cursor going on.
 */
import { describe, expect, it } from 'vitest';
import type { AgentConversationSummary } from '../../../../../src/identity/index.js';
import type { HandlerContext } from '../../../../../src/server/handler/context.js';
import { agentSummary } from '../../../../../src/server/handler/routes/shared/agent.js';
import { filteredPage, matchesFilter, readListFilter } from '../../../../../src/server/handler/routes/shared/list-filter.js';
import { newConversation, routeContext, verifiedIdentity } from '../route-context.js';

const ME = { id: 'alice', name: 'Alice' };
const read = (query: string) => readListFilter(new URLSearchParams(query), ME);
const refused = (query: string) => {
  try {
    read(query);
  } catch (error) {
    return error;
  }
  throw new Error(`${query} was taken`);
};

describe('readListFilter', () => {
  it('is undefined when nothing filters (a blank q included)', () => {
    expect(read('')).toBeUndefined();
    expect(read('q=%20%20&limit=10')).toBeUndefined();
  });

  it('reads status, assignee me / none / an id, and q trimmed and lower-cased', () => {
    expect(read('status=closed&assignee=me&q=%20Ada%20L%20')).toEqual({ status: 'closed', assignee: 'alice', q: 'ada l' });
    expect(read('assignee=none')).toEqual({ assignee: null });
    expect(read('assignee=bob@example.com')).toEqual({ assignee: 'bob@example.com' });
  });

  it('refuses another status, an assignee that is no agent id, and a q over 100 characters, each saying what to send', () => {
    expect(refused('status=archived')).toMatchObject({ status: 400, code: 'ERR_BAD_REQUEST', message: 'status must be open or closed.' });
    for (const assignee of ['', 'bob smith', 'x'.repeat(129)]) {
      expect(refused(`assignee=${encodeURIComponent(assignee)}`), assignee).toMatchObject({ status: 400, code: 'ERR_BAD_REQUEST', message: 'assignee must be me, none or an agent id.' });
    }
    expect(read(`q=${'q'.repeat(100)}`)).toEqual({ q: 'q'.repeat(100) });
    expect(refused(`q=${'q'.repeat(101)}`)).toMatchObject({ status: 400, code: 'ERR_BAD_REQUEST', message: 'q must be at most 100 characters.' });
  });
});

describe('matchesFilter', () => {
  const summary = (overrides: Partial<AgentConversationSummary> = {}): AgentConversationSummary => ({
    ...agentSummary({ id: 'default.1', community: 'default', key: 'k', identity: verifiedIdentity({ uuid: 'User-42', fields: { firstname: 'Ada', lastname: 'Lovelace' } }), createdAt: 1, updatedAt: 1, lastSeq: 0, epoch: 'e' }),
    ...overrides,
  });

  it('matches the status and the assignee, unassigned being null', () => {
    expect(matchesFilter(summary(), { status: 'open' })).toBe(true);
    expect(matchesFilter(summary(), { status: 'closed' })).toBe(false);
    expect(matchesFilter(summary(), { assignee: null })).toBe(true);
    expect(matchesFilter(summary({ assignee: 'alice' }), { assignee: null })).toBe(false);
    expect(matchesFilter(summary({ assignee: 'alice' }), { assignee: 'alice', status: 'open' })).toBe(true);
  });

  it('searches the uuid, the e-mail and the mapped fields, whatever their case, but not the agent-only values', () => {
    expect(matchesFilter(summary(), { q: 'user-4' })).toBe(true);
    expect(matchesFilter(summary(), { q: 'lovel' })).toBe(true);
    expect(matchesFilter(summary({ email: 'Ada@Example.com' }), { q: 'ada@example' })).toBe(true);
    expect(matchesFilter(summary(), { q: 'crm-1' })).toBe(false);
    expect(matchesFilter(summary(), { q: 'gold' })).toBe(false);
  });
});

describe('filteredPage', () => {
  /** `count` conversations, one a second (newest last), every `closedEvery`th closed. */
  async function conversations(ctx: HandlerContext, clock: { now: number }, count: number, closedEvery = 0): Promise<string[]> {
    const ids: string[] = [];
    for (let index = 1; index <= count; index++) {
      clock.now += 1_000;
      const { id } = await newConversation(ctx, verifiedIdentity({ uuid: `visitor-${index}` }));
      if (closedEvery > 0 && index % closedEvery === 0) await ctx.store.updateState(id, { status: 'closed' });
      ids.push(id);
    }
    return ids;
  }

  it('answers the matching conversations newest first, and no cursor when the store has no more', async () => {
    const { ctx, clock } = routeContext();
    const ids = await conversations(ctx, clock, 6, 2);
    const page = await filteredPage(ctx, { status: 'closed' }, 10, undefined);
    expect(page.conversations.map((c) => c.id)).toEqual([ids[5], ids[3], ids[1]]);
    expect(page).not.toHaveProperty('cursor');
  });

  it('stops at the limit with a cursor after the last one taken, and the next page goes on from it', async () => {
    const { ctx, clock } = routeContext();
    const ids = await conversations(ctx, clock, 6, 2);
    const first = await filteredPage(ctx, { status: 'closed' }, 2, undefined);
    expect(first.conversations.map((c) => c.id)).toEqual([ids[5], ids[3]]);
    expect(first.cursor).toBeDefined();
    const second = await filteredPage(ctx, { status: 'closed' }, 2, first.cursor);
    expect(second.conversations.map((c) => c.id)).toEqual([ids[1]]);
    expect(second).not.toHaveProperty('cursor');
  });

  it('looks at 2,000 conversations at most: a short page, with a cursor where the scan stopped', async () => {
    const { ctx, clock } = routeContext();
    const ids = await conversations(ctx, clock, 2_003);
    const page = await filteredPage(ctx, { status: 'closed' }, 50, undefined);
    expect(page.conversations).toEqual([]);
    expect(page.cursor).toBeDefined();
    // The rest: the three oldest, none closed, and the end of the list.
    await ctx.store.updateState(ids[0]!, { status: 'closed' });
    const rest = await filteredPage(ctx, { status: 'closed' }, 50, page.cursor);
    expect(rest.conversations.map((c) => c.id)).toEqual([ids[0]]);
    expect(rest).not.toHaveProperty('cursor');
  });

  it('reads only this community’s conversations', async () => {
    const { ctx, clock } = routeContext();
    const [mine] = await conversations(ctx, clock, 1);
    await ctx.store.upsertConversation('other', 'key:1', verifiedIdentity(), ctx.now());
    expect((await filteredPage(ctx, { status: 'open' }, 10, undefined)).conversations.map((c) => c.id)).toEqual([mine]);
  });
});
