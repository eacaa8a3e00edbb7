/**
 * The visitor's side of the conversation state (SPEC §11): typing (throttled,
 * never stored), read up to a seq, and an e-mail; each with the session, each
 * 204, each told to the agents through the bus.
 */
import { describe, expect, it } from 'vitest';
import { VISITOR_PATHS } from '../../../../src/identity/index.js';
import { visitorEmail, visitorRead, visitorTyping } from '../../../../src/server/handler/routes/visitor-state.js';
import { call, refusal, routeContext, visitorSession, type RouteContext } from './route-context.js';

/** A registered visitor with `messages` visitor messages, and a poster of its state routes; what registering published is forgotten. */
async function visitor({ ctx, published }: RouteContext, messages = 0) {
  const { session, conversationId } = await visitorSession(ctx);
  published.length = 0;
  for (let index = 1; index <= messages; index++) await ctx.store.appendMessage(conversationId, { author: 'visitor', body: `message ${index}`, createdAt: ctx.now() });
  const post = (path: string, body?: unknown) => call(ctx, path, { method: 'POST', headers: { Authorization: `Bearer ${session}` }, ...(body === undefined ? {} : { body }) });
  const state = async () => (await ctx.store.getConversation(conversationId))!.state;
  return { conversationId, post, state };
}

describe('visitorTyping', () => {
  it('tells the agents the visitor is typing and stores nothing', async () => {
    const route = routeContext();
    const { ctx, published } = route;
    const { conversationId, post, state } = await visitor(route);
    const before = await state();
    const reply = await visitorTyping(ctx, post(VISITOR_PATHS.typing));
    expect([reply.status, reply.body]).toEqual([204, null]);
    expect(published).toEqual([{ type: 'typing', conversationId, author: 'visitor' }]);
    expect(await state()).toEqual(before);
  });

  it('is throttled per session: past typingPerMinutePerSession, 429 and nothing published', async () => {
    const route = routeContext({ limits: { typingPerMinutePerSession: 1 } });
    const { ctx, published } = route;
    const { post } = await visitor(route);
    await visitorTyping(ctx, post(VISITOR_PATHS.typing));
    expect(await refusal(visitorTyping(ctx, post(VISITOR_PATHS.typing)))).toMatchObject({ status: 429, code: 'ERR_RATE_LIMITED', message: expect.stringContaining('typing notices') });
    expect(published).toHaveLength(1);
  });

  it('refuses a request without a session (401 ERR_SESSION_MISSING)', async () => {
    const { ctx } = routeContext();
    expect(await refusal(visitorTyping(ctx, call(ctx, VISITOR_PATHS.typing, { method: 'POST' })))).toMatchObject({ status: 401, code: 'ERR_SESSION_MISSING' });
  });
});

describe('visitorRead', () => {
  it('stores the seq read and tells the agents the stored one', async () => {
    const route = routeContext();
    const { ctx, published } = route;
    const { conversationId, post, state } = await visitor(route, 3);
    expect((await visitorRead(ctx, post(VISITOR_PATHS.read, { seq: 2 }))).status).toBe(204);
    expect(await state()).toMatchObject({ visitorReadSeq: 2 });
    expect(published).toEqual([{ type: 'read', conversationId, author: 'visitor', seq: 2 }]);
  });

  it('never moves the read position back, and clamps one past the newest message: the event says where it is', async () => {
    const route = routeContext();
    const { ctx, published } = route;
    const { post, state } = await visitor(route, 3);
    await visitorRead(ctx, post(VISITOR_PATHS.read, { seq: 99 }));
    await visitorRead(ctx, post(VISITOR_PATHS.read, { seq: 1 }));
    expect(await state()).toMatchObject({ visitorReadSeq: 3 });
    expect(published.map((event) => (event as { seq: number }).seq)).toEqual([3, 3]);
  });

  it('refuses a seq that is not a whole number from 0 (400), changing and telling nothing', async () => {
    const route = routeContext();
    const { ctx, published } = route;
    const { post, state } = await visitor(route, 1);
    expect(await refusal(visitorRead(ctx, post(VISITOR_PATHS.read, { seq: -1 })))).toMatchObject({ status: 400, code: 'ERR_BAD_REQUEST' });
    expect(await state()).toMatchObject({ visitorReadSeq: 0 });
    expect(published).toEqual([]);
  });
});

describe('visitorEmail', () => {
  it('stores the address and tells the agents the conversation changed', async () => {
    const route = routeContext();
    const { ctx, published } = route;
    const { conversationId, post, state } = await visitor(route);
    expect((await visitorEmail(ctx, post(VISITOR_PATHS.email, { email: ' ada@example.com ' }))).status).toBe(204);
    expect(await state()).toMatchObject({ email: 'ada@example.com' });
    expect(published).toEqual([{ type: 'conversation', conversationId }]);
  });

  it('refuses what is not an address (400), storing nothing', async () => {
    const route = routeContext();
    const { ctx, published } = route;
    const { post, state } = await visitor(route);
    expect(await refusal(visitorEmail(ctx, post(VISITOR_PATHS.email, { email: 'nope' })))).toMatchObject({ status: 400, code: 'ERR_BAD_REQUEST' });
    expect((await state())?.email).toBeUndefined();
    expect(published).toEqual([]);
  });

  it('shares one budget per session with the reads: past stateChangesPerMinutePerSession, 429', async () => {
    const route = routeContext({ limits: { stateChangesPerMinutePerSession: 1 } });
    const { ctx } = route;
    const { post } = await visitor(route, 1);
    await visitorRead(ctx, post(VISITOR_PATHS.read, { seq: 1 }));
    expect(await refusal(visitorEmail(ctx, post(VISITOR_PATHS.email, { email: 'ada@example.com' })))).toMatchObject({ status: 429, code: 'ERR_RATE_LIMITED', message: expect.stringContaining('read or e-mail changes') });
  });
});
