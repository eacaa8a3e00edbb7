import { describe, expect, it } from 'vitest';
import { enforceRate, enforceVisitorRates } from '../../../src/server/handler/rate.js';
import { httpError, testContext } from './context-kit.js';

describe('enforceRate: one bucket (SPEC §6 "Abuse limits")', () => {
  it('lets the budget through, then refuses with 429 ERR_RATE_LIMITED, Retry-After and a message naming the wait', async () => {
    const ctx = testContext();
    for (let i = 0; i < 3; i++) await enforceRate(ctx, 'register:address:1.2.3.4', 3, 'registrations');
    const error = await httpError(enforceRate(ctx, 'register:address:1.2.3.4', 3, 'registrations'));
    expect(error).toMatchObject({ status: 429, code: 'ERR_RATE_LIMITED', headers: { 'Retry-After': '20' } });
    expect(error.message).toBe('Too many registrations; wait 20 s and try again.');
  });

  it('refuses even when the wait is the shortest, one second', async () => {
    const ctx = testContext();
    for (let i = 0; i < 60; i++) await enforceRate(ctx, 'k', 60, 'tries');
    expect(await httpError(enforceRate(ctx, 'k', 60, 'tries'))).toMatchObject({ headers: { 'Retry-After': '1' } });
  });

  it('refills with time (the clock the context reads)', async () => {
    const ctx = testContext();
    await enforceRate(ctx, 'k', 1, 'tries');
    await httpError(enforceRate(ctx, 'k', 1, 'tries'));
    ctx.clock.at += 60_000;
    await expect(enforceRate(ctx, 'k', 1, 'tries')).resolves.toBeUndefined();
  });

  it("keys the bucket under the community, so communities sharing an engine keep separate budgets", async () => {
    const ctx = testContext();
    await enforceRate(ctx, 'k', 1, 'tries');
    const other = { ...ctx, community: 'blog' };
    await expect(enforceRate(other, 'k', 1, 'tries')).resolves.toBeUndefined();
    expect(ctx.taken).toEqual(['shop:k', 'blog:k']);
  });

  it('asks no bucket at all for an Infinity budget (a limit turned off)', async () => {
    const ctx = testContext();
    for (let i = 0; i < 5; i++) await enforceRate(ctx, 'k', Infinity, 'tries');
    expect(ctx.taken).toEqual([]);
  });
});

describe("enforceVisitorRates: a visitor write's three budgets", () => {
  const who = { sessionId: 's1', conversationId: 'c1', address: '203.0.113.7' };

  it('spends from the session, the conversation and the address buckets, in that order', async () => {
    const ctx = testContext();
    await enforceVisitorRates(ctx, { key: 'msg', words: 'messages' }, who, { session: 5, conversation: 5, address: 5 });
    expect(ctx.taken).toEqual(['shop:msg:session:s1', 'shop:msg:conversation:c1', 'shop:msg:address:203.0.113.7']);
  });

  it('names the bucket that ran out in the 429: a new session does not escape the conversation budget', async () => {
    const ctx = testContext();
    const budgets = { session: 10, conversation: 1, address: 10 };
    await enforceVisitorRates(ctx, { key: 'msg', words: 'messages' }, who, budgets);
    const error = await httpError(enforceVisitorRates(ctx, { key: 'msg', words: 'messages' }, { ...who, sessionId: 's2' }, budgets));
    expect(error.message).toMatch(/^Too many messages in this conversation; wait \d+ s/);
  });

  it('holds one address to its budget across conversations', async () => {
    const ctx = testContext();
    const budgets = { session: 10, conversation: 10, address: 1 };
    await enforceVisitorRates(ctx, { key: 'page', words: 'page changes' }, who, budgets);
    const error = await httpError(enforceVisitorRates(ctx, { key: 'page', words: 'page changes' }, { ...who, sessionId: 's9', conversationId: 'c9' }, budgets));
    expect(error.message).toMatch(/^Too many page changes from this address; wait/);
  });
});
