/**
 * Issue 16 item 4: page changes amplify. Every `POST v1/page` becomes a whole
 * summary on every agent stream; 200 sessions of one conversation from one
 * address once sent 12,000 in seconds (3 agent streams: 558 MiB received for
 * 2.9 MiB sent). Page changes now spend per-conversation and per-address
 * budgets, and `conversation` events reach each agent stream at most once per
 * conversation per second, the last state always included.
 */
import { describe, expect, it, vi } from 'vitest';
import { AGENT_PATHS } from '../../../../src/identity/index.js';
import type { HandlerContext } from '../../../../src/server/handler/context.js';
import type { EventStream } from '../../../../src/server/handler/http/reply.js';
import type { MessagingHandler, MessagingHandlerOptions } from '../../../../src/server/handler/index.js';
import { sseFrame } from '../../../../src/server/handler/live/sse.js';
import { agentReply } from '../../../../src/server/handler/routes/agent.js';
import { agentStream } from '../../../../src/server/handler/routes/agent-stream.js';
import { agentReq, automatedUuid, json, req, SseReader, useHandlers } from '../helpers.js';
import { agentContext, ALICE, call, newConversation } from './route-context.js';

const handlerFor = useHandlers();
const ADDRESS = '198.51.100.7';
const SESSIONS = 200;
const AGENTS = 3;
/** The contract: at most one summary per conversation per second on each agent stream. */
const SUMMARY_INTERVAL_MS = 1000;

/** A handler as the attack met it: one address, a frozen clock (buckets never refill), registrations unlimited (the attacker had time). */
function attackedHandler(limits: MessagingHandlerOptions['limits'] = {}): MessagingHandler {
  return handlerFor({ clientAddress: () => ADDRESS, now: () => 1_000_000, limits: { registrationsPerMinutePerAddress: Infinity, ...limits } });
}

/**
 * Up to `count` live sessions of one conversation: the same browser registering
 * again and again (fewer if the handler caps the sessions of a conversation).
 */
async function sessionsOfOneConversation(handler: MessagingHandler, count: number): Promise<{ sessions: string[]; conversationId: string }> {
  const browser = automatedUuid();
  const registered: string[] = [];
  let conversationId = '';
  for (let i = 0; i < count; i++) {
    const response = await handler(req('/v1/identity', { body: { automatedUuid: browser } }));
    if (response.status !== 200) break;
    const body = await json(response);
    registered.push(body.session);
    conversationId = body.conversationId;
  }
  const sessions: string[] = [];
  for (const session of registered) if ((await handler(req('/v1/conversation', { session }))).status === 200) sessions.push(session);
  expect(sessions.length).toBeGreaterThan(0);
  return { sessions, conversationId };
}

/** The summaries of `conversationId` an agent stream has received. */
function summariesOf(reader: SseReader, conversationId: string): any[] {
  return reader.events.filter((e) => e.event === 'summary' && e.data.conversation.id === conversationId).map((e) => e.data.conversation);
}

const bytes = (reader: SseReader): number => Buffer.byteLength(reader.raw);

/**
 * Opens AGENTS agent streams, then spreads `changes` page changes over the
 * sessions round-robin, and waits until every agent shows the last accepted
 * page. Returns what was sent and accepted, and what each agent received
 * during the flood (summaries and bytes) and how long it took.
 */
async function pageFlood(handler: MessagingHandler, changes: number) {
  const { sessions, conversationId } = await sessionsOfOneConversation(handler, SESSIONS);
  const agents = await Promise.all(Array.from({ length: AGENTS }, async () => new SseReader(await handler(agentReq('/agent/v1/stream')))));
  for (const agent of agents) await agent.until((r) => summariesOf(r, conversationId).length === 1);
  const before = agents.map((agent) => ({ bytes: bytes(agent), summaries: summariesOf(agent, conversationId).length }));
  const started = performance.now();
  let sentBytes = 0;
  let accepted = 0;
  let lastUrl = '';
  for (let i = 0; i < changes; i++) {
    const url = `https://shop.test/products/${i}`;
    const body = JSON.stringify({ url, title: `Product ${i}` });
    sentBytes += Buffer.byteLength(body);
    const response = await handler(req('/v1/page', { session: sessions[i % sessions.length]!, body }));
    if (response.status === 204) {
      accepted++;
      lastUrl = url;
    } else {
      expect(response.status).toBe(429);
      expect((await json(response)).error.code).toBe('ERR_RATE_LIMITED');
    }
  }
  for (const agent of agents) await agent.until((r) => summariesOf(r, conversationId).at(-1)?.lastPage?.url === lastUrl, 10_000);
  const elapsedMs = performance.now() - started;
  const received = agents.map((agent, i) => ({
    bytes: bytes(agent) - before[i]!.bytes,
    summaries: summariesOf(agent, conversationId).length - before[i]!.summaries,
  }));
  await Promise.all(agents.map((agent) => agent.cancel()));
  return { sessions: sessions.length, sentBytes, accepted, lastUrl, received, elapsedMs };
}

/**
 * At most one summary per conversation per interval reaches an agent stream:
 * in any stretch of L ms at most floor(L / interval) + 1 go out, plus one that
 * went out just before the stretch and arrived in it. Derived from the time the
 * flood really took, so a slow machine cannot fail it.
 */
function maxSummaries(elapsedMs: number): number {
  return Math.floor(elapsedMs / SUMMARY_INTERVAL_MS) + 2;
}

describe('page changes from many sessions of one conversation, one address', () => {
  it('are limited per conversation: at most 60 of 2,000 accepted at default limits, and a handful of summaries reach each agent', async () => {
    const flood = await pageFlood(attackedHandler(), 2_000);
    expect(flood.sessions).toBeGreaterThan(1);
    // Before: all 2,000 (each session had its own 60 a minute).
    expect(flood.accepted).toBeGreaterThan(0);
    expect(flood.accepted).toBeLessThanOrEqual(60);
    for (const agent of flood.received) {
      expect(agent.summaries).toBeGreaterThanOrEqual(1);
      expect(agent.summaries).toBeLessThanOrEqual(maxSummaries(flood.elapsedMs));
    }
    const receivedBytes = flood.received.reduce((sum, agent) => sum + agent.bytes, 0);
    // Before: every change was a summary on every stream, 3 × 2,000 × ~290 B ≈ 1.7 MB for 106 KB sent.
    expect(receivedBytes).toBeLessThan(flood.sentBytes);
  });

  it('are limited per address across conversations', async () => {
    const handler = attackedHandler({ pageChangesPerMinutePerAddress: 5 });
    const statuses: number[] = [];
    for (let c = 0; c < 3; c++) {
      const { sessions } = await sessionsOfOneConversation(handler, 1);
      for (let i = 0; i < 3; i++) statuses.push((await handler(req('/v1/page', { session: sessions[0]!, body: { url: `https://shop.test/${c}/${i}` } }))).status);
    }
    expect(statuses.filter((s) => s === 204)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
  });

  it('are coalesced per conversation before fan-out, even with the budgets off: at most one summary per second per agent, the last page last', async () => {
    const unlimited = { pageChangesPerMinutePerSession: Infinity, pageChangesPerMinutePerConversation: Infinity, pageChangesPerMinutePerAddress: Infinity };
    const flood = await pageFlood(attackedHandler(unlimited), 2_000);
    expect(flood.accepted).toBe(2_000);
    for (const agent of flood.received) expect(agent.summaries).toBeLessThanOrEqual(maxSummaries(flood.elapsedMs));
  });
});

describe('the last page change is the one the agent sees', () => {
  it('after a burst, the final summary carries the last page', async () => {
    const handler = handlerFor();
    const { sessions, conversationId } = await sessionsOfOneConversation(handler, 1);
    const agent = new SseReader(await handler(agentReq('/agent/v1/stream')));
    await agent.until((r) => summariesOf(r, conversationId).length === 1);
    const pages = ['https://shop.test/a', 'https://shop.test/b', 'https://shop.test/c'];
    for (const url of pages) expect((await handler(req('/v1/page', { session: sessions[0]!, body: { url, title: url.slice(-1) } }))).status).toBe(204);
    await agent.until((r) => summariesOf(r, conversationId).at(-1)?.lastPage?.url === pages.at(-1), 10_000);
    expect(summariesOf(agent, conversationId).at(-1)!.lastPage).toEqual({ url: 'https://shop.test/c', title: 'c' });
    await agent.cancel();
  });
});

/**
 * Issue 22 item 1: a message reaches every agent stream of the community, and
 * the streams that read the same conversation for it queue one encoding of
 * its frame, not one each. A stream that read the conversation later (it was
 * behind, the summary changed) still gets its own frame, exact.
 */
describe('a message on many agent streams', () => {
  const alice = { Authorization: `Bearer ${ALICE.token}` };

  /** An agent stream whose consumer keeps every chunk; `hold` makes it report bytes waiting unread (a slow reader). */
  async function recordedStream(ctx: HandlerContext) {
    const reply = await agentStream(ctx, call(ctx, AGENT_PATHS.stream, { headers: alice }));
    const stream = reply.body as EventStream;
    const chunks: Uint8Array[] = [];
    const sink = { hold: false, write: (bytes: Uint8Array) => void chunks.push(bytes), abort() {}, end() {}, get queuedBytes() { return sink.hold ? 1 << 20 : 0; } };
    stream.attach(sink);
    const ofEvent = (event: string) => chunks.filter((chunk) => new TextDecoder().decode(chunk).startsWith(`event: ${event}\n`));
    return { stream, sink, messageFrames: () => ofEvent('message'), summaries: () => ofEvent('summary').length };
  }

  const reply = (ctx: HandlerContext, conversationId: string, text: string) =>
    agentReply(ctx, call(ctx, `/agent/v1/conversations/${conversationId}/messages`, { headers: alice, body: { body: text }, param: conversationId }));

  /** The frame exactly as sseFrame encodes the event the chunk carries. */
  const reencoded = (chunk: Uint8Array) => {
    const data = JSON.parse(new TextDecoder().decode(chunk).split('\n')[1]!.slice('data: '.length));
    return { data, text: new TextDecoder().decode(sseFrame('message', { type: 'message', conversation: data.conversation, message: data.message, epoch: data.epoch })) };
  };

  it('is encoded once for every stream that read the same conversation: they queue the very same bytes', async () => {
    const { ctx } = agentContext({ limits: { maxAgentStreams: 8 } });
    const { id } = await newConversation(ctx);
    const streams = await Promise.all(Array.from({ length: 5 }, () => recordedStream(ctx)));
    expect((await reply(ctx, id, 'hello')).status).toBe(201);
    await vi.waitFor(() => expect(streams.every((s) => s.messageFrames().length === 1)).toBe(true));
    const frames = streams.map((s) => s.messageFrames()[0]!);
    expect(new Set(frames).size).toBe(1);
    const { data, text } = reencoded(frames[0]!);
    expect(new TextDecoder().decode(frames[0]!)).toBe(text);
    expect(data).toMatchObject({ type: 'message', conversation: { id, lastSeq: 1 }, message: { seq: 1, body: 'hello' } });
    for (const s of streams) s.stream.gone();
  });

  it('a stream that read the conversation after a change gets its own frame, with its own summary', async () => {
    const { ctx } = agentContext();
    const { id } = await newConversation(ctx);
    const quick = await recordedStream(ctx);
    const slow = await recordedStream(ctx);
    // Both write the conversation's summary on connect, then the slow one stops reading.
    await vi.waitFor(() => expect([quick, slow].every((s) => s.summaries() === 1)).toBe(true));
    slow.sink.hold = true;
    expect((await reply(ctx, id, 'first')).status).toBe(201);
    await vi.waitFor(() => expect(quick.messageFrames()).toHaveLength(1));
    expect((await reply(ctx, id, 'second')).status).toBe(201);
    await vi.waitFor(() => expect(quick.messageFrames()).toHaveLength(2));
    slow.sink.hold = false;
    slow.stream.drained();
    await vi.waitFor(() => expect(slow.messageFrames()).toHaveLength(2));
    const [quickFirst] = quick.messageFrames();
    const [slowFirst, slowSecond] = slow.messageFrames();
    // The slow stream read the conversation once for both: lastSeq 2 in each, where the quick one said 1.
    expect(slowFirst).not.toBe(quickFirst);
    expect(reencoded(quickFirst!).data).toMatchObject({ conversation: { lastSeq: 1 }, message: { seq: 1 } });
    expect(reencoded(slowFirst!).data).toMatchObject({ conversation: { lastSeq: 2 }, message: { seq: 1 } });
    expect(reencoded(slowSecond!).data).toMatchObject({ conversation: { lastSeq: 2 }, message: { seq: 2 } });
    for (const chunk of [quickFirst!, slowFirst!, slowSecond!]) expect(new TextDecoder().decode(chunk)).toBe(reencoded(chunk).text);
    quick.stream.gone();
    slow.stream.gone();
  });
});
