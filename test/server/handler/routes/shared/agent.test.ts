/**
 * What the agent routes share (SPEC §11, §6 "Sharing"): a conversation of
 * another community reads as absent, and an agent sees a conversation as its
 * summary — the verified identity as mapped, the state, never the history.
 */
import { describe, expect, it } from 'vitest';
import type { HandlerContext } from '../../../../../src/server/handler/context.js';
import { authenticateAgent as fromAgents } from '../../../../../src/server/handler/agents/authenticate.js';
import { agentSummary, authenticateAgent, conversationNotFound, DEFAULT_PAGE_SIZE, inCommunity, MAX_PAGE_SIZE, ownConversation } from '../../../../../src/server/handler/routes/shared/agent.js';
import { newConversation, refusal, routeContext, verifiedIdentity } from '../route-context.js';

/** The context with its store's reads counted, and `aliases` read as the conversation they name. */
function countingReads(ctx: HandlerContext, aliases: Record<string, string> = {}): { ctx: HandlerContext; reads: string[] } {
  const reads: string[] = [];
  const store = { ...ctx.store, getConversation: (id: string) => (reads.push(id), ctx.store.getConversation(aliases[id] ?? id)) };
  return { ctx: { ...ctx, store }, reads };
}

const NOT_FOUND = { status: 404, code: 'ERR_NOT_FOUND', message: 'No conversation has this id.' };

describe('ownConversation', () => {
  it('is the record of a conversation of this community', async () => {
    const { ctx } = routeContext();
    const record = await newConversation(ctx);
    expect(await ownConversation(ctx, record.id)).toEqual(record);
  });

  it('reads a conversation of another community in the same store, or of no one, as absent: 404 ERR_NOT_FOUND', async () => {
    const { ctx } = routeContext();
    const theirs = await ctx.store.upsertConversation('other', 'key:1', verifiedIdentity(), ctx.now());
    expect(await refusal(ownConversation(ctx, theirs.id))).toMatchObject(NOT_FOUND);
    expect(await refusal(ownConversation(ctx, 'default.00000000-0000-0000-0000-000000000000'))).toMatchObject(NOT_FOUND);
  });
});

describe('inCommunity', () => {
  it('refuses an id naming another community without reading the store', async () => {
    const { ctx, reads } = countingReads(routeContext().ctx);
    expect(await refusal(inCommunity(ctx, 'other.00000000-0000-0000-0000-000000000000'))).toMatchObject(NOT_FOUND);
    expect(reads).toEqual([]);
  });

  it('takes an id naming this community without reading the store (the write itself finds whether it exists)', async () => {
    const { ctx, reads } = countingReads(routeContext().ctx);
    await expect(inCommunity(ctx, 'default.00000000-0000-0000-0000-000000000000')).resolves.toBeUndefined();
    expect(reads).toEqual([]);
  });

  it('reads a custom store’s id, which names no community: its own passes, another community’s is 404', async () => {
    const { ctx: base } = routeContext();
    const mine = await newConversation(base);
    const theirs = await base.store.upsertConversation('other', 'key:1', verifiedIdentity(), base.now());
    const { ctx, reads } = countingReads(base, { 'crm-77': mine.id, 'crm-78': theirs.id });
    await expect(inCommunity(ctx, 'crm-77')).resolves.toBeUndefined();
    expect(await refusal(inCommunity(ctx, 'crm-78'))).toMatchObject(NOT_FOUND);
    expect(reads).toEqual(['crm-77', 'crm-78']);
  });
});

describe('agentSummary', () => {
  it('is the public identity with the agent-only values, the activity and the default state of a new conversation', async () => {
    const { ctx, clock } = routeContext();
    const identity = verifiedIdentity({ uuid: 'user-42', uuidSource: 'jwt', signed: true, kid: 'key_1', fields: { firstname: 'Ada' } });
    const record = await newConversation(ctx, identity);
    expect(agentSummary({ ...record, state: undefined })).toEqual({
      id: record.id,
      uuid: 'user-42',
      uuidSource: 'jwt',
      signed: true,
      kid: 'key_1',
      fields: { firstname: 'Ada' },
      warnings: [],
      customFields: { crm_id: 'CRM-1' },
      extraValues: { plan: 'gold' },
      updatedAt: clock.now,
      lastSeq: 0,
      status: 'open',
      visitorReadSeq: 0,
      agentReadSeq: 0,
      unread: 0,
    });
  });

  it('carries the stored state and the last page, and empty maps when the verifier gave no agent-only values', async () => {
    const { ctx } = routeContext();
    const { id } = await newConversation(ctx);
    await ctx.store.setLastPage(id, { url: 'https://shop.test/cart', title: 'Cart' }, ctx.now());
    const stored = (await ctx.store.updateState(id, { status: 'closed', assignee: 'alice', email: 'ada@example.com' }))!;
    // A custom store may keep an identity without the agent-only maps.
    const record = { ...stored, identity: { ...stored.identity, customFields: undefined as never, extraValues: undefined as never } };
    const summary = agentSummary(record);
    expect([summary.customFields, summary.extraValues]).toEqual([{}, {}]);
    expect(summary).toMatchObject({
      lastPage: { url: 'https://shop.test/cart', title: 'Cart' },
      status: 'closed',
      assignee: 'alice',
      email: 'ada@example.com',
    });
    expect(agentSummary(record)).not.toHaveProperty('history');
  });

  it('has no lastPage key before the visitor reports a page', async () => {
    const { ctx } = routeContext();
    expect(Object.keys(agentSummary(await newConversation(ctx)))).not.toContain('lastPage');
  });
});

describe('the shared pieces', () => {
  it('a not-found error is a fresh 404 each time; pages hold 50 by default and 200 at most; authenticateAgent is the agents/ one', () => {
    expect(conversationNotFound()).toMatchObject(NOT_FOUND);
    expect(conversationNotFound()).not.toBe(conversationNotFound());
    expect([DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE]).toEqual([50, 200]);
    expect(authenticateAgent).toBe(fromAgents);
  });
});
