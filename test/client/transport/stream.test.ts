/**
 * transport/stream.ts, SPEC §6 and §8: the agent-message stream over fetch, against the real
 * handler (real-server.ts): events with their position, reconnects that resume from
 * Last-Event-ID, a notice only for an outage that lasts, and a stop on what reconnecting
 * cannot fix.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RegisterResponse, StreamEvent } from '../../../src/identity/index.js';
import { Api, type ApiError } from '../../../src/client/transport/api.js';
import { openStream } from '../../../src/client/transport/stream.js';
import { BASE, closeRealServers, flush, realServer, type RealServer } from '../real-server.js';
import { fakeClock, visitorJwt } from './session.js';

let server: RealServer;
let close: (() => void) | undefined;

beforeEach(() => {
  fakeClock();
  // The backoff's jitter at its shortest: the first reconnect waits 500 ms.
  vi.spyOn(Math, 'random').mockReturnValue(0);
  server = realServer().install();
});
afterEach(() => {
  close?.();
  close = undefined;
  closeRealServers();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

interface Opened {
  session: string;
  messages: [string, string][];
  connected: boolean[];
  fatal: ApiError[];
  last: { id: string };
}

/** Registers visitor-1 and opens its stream (`session` instead: a stream with that one). */
async function open(session?: string): Promise<Opened> {
  const api = new Api(BASE);
  const opened: Opened = { session: session ?? (await api.call<RegisterResponse>('POST', '/v1/identity', undefined, { jwt: visitorJwt() })).session, messages: [], connected: [], fatal: [], last: { id: '' } };
  close = openStream({
    api,
    session: opened.session,
    lastEventId: () => opened.last.id,
    onEvent(event: StreamEvent, id) {
      opened.last.id = id;
      if (event.type === 'message') opened.messages.push([event.message.body, id]);
    },
    onFatal: (error) => opened.fatal.push(error),
    onConnected: (connected) => opened.connected.push(connected),
  });
  await flush();
  return opened;
}

const streamRequests = (): RealServer['requests'] => server.requests.filter((r) => r.url.startsWith(`${BASE}/v1/stream`));

describe('a connected stream', () => {
  it('asks with the session in Authorization for the panel’s events, and says it is connected', async () => {
    const { session, connected } = await open();
    const [request] = streamRequests();
    expect(request!.url).toBe(`${BASE}/v1/stream?events=presence,typing,read`);
    expect(request!.headers).toMatchObject({ Accept: 'text/event-stream', Authorization: `Bearer ${session}` });
    expect(request!.headers['Last-Event-ID']).toBeUndefined();
    expect(connected).toEqual([true]);
  });

  it('hands on agent messages with their stream position, in order', async () => {
    const opened = await open();
    await server.agentSays('visitor-1', 'first');
    await server.agentSays('visitor-1', 'second');
    await flush();
    expect(opened.messages.map(([body]) => body)).toEqual(['first', 'second']);
    const [[, one], [, two]] = opened.messages as [[string, string], [string, string]];
    expect(one).not.toBe(two);
  });

  it('skips an event that is not JSON or not of its own type, and keeps the stream', async () => {
    const opened = await open();
    const smuggled = JSON.stringify({ type: 'message', message: { id: 'x', seq: 99, author: 'agent', body: 'smuggled', createdAt: 0 } });
    server.streams[0]!.inject(`event: message\ndata: {not json\n\nevent: typing\ndata: ${smuggled}\n\n`);
    await server.agentSays('visitor-1', 'after');
    await flush();
    expect(opened.messages.map(([body]) => body)).toEqual(['after']);
    expect(streamRequests()).toHaveLength(1);
  });
});

describe('a dropped stream', () => {
  it('reconnects on its own, resuming from the last position, with no notice for a short gap', async () => {
    const opened = await open();
    await server.agentSays('visitor-1', 'before');
    await flush();
    server.dropStreams();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(streamRequests()).toHaveLength(2);
    expect(streamRequests()[1]!.headers['Last-Event-ID']).toBe(opened.last.id);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(opened.connected).toEqual([true, true]);
    await server.agentSays('visitor-1', 'after');
    await flush();
    expect(opened.messages.map(([body]) => body)).toEqual(['before', 'after']);
  });

  it('says it is disconnected once the outage has lasted 4 s, and connected when it is back', async () => {
    const opened = await open();
    server.offline = true;
    server.dropStreams();
    await vi.advanceTimersByTimeAsync(3_999);
    expect(opened.connected).toEqual([true]);
    await vi.advanceTimersByTimeAsync(1);
    expect(opened.connected).toEqual([true, false]);
    server.offline = false;
    await vi.advanceTimersByTimeAsync(31_000);
    expect(opened.connected).toEqual([true, false, true]);
  });

  it('waits a 503’s Retry-After before asking again', async () => {
    await open();
    server.fail('/v1/stream', { status: 503, code: 'ERR_UNAVAILABLE', retryAfter: 20 });
    server.dropStreams();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(streamRequests()).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(18_000);
    expect(streamRequests()).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(streamRequests()).toHaveLength(3);
  });
});

describe('stopping', () => {
  it('stops for good on a refusal reconnecting cannot fix (401), and tells why', async () => {
    const opened = await open('not-a-session');
    expect(opened.fatal).toHaveLength(1);
    expect(opened.fatal[0]).toMatchObject({ status: 401 });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(streamRequests()).toHaveLength(1);
    expect(opened.connected).toEqual([]);
  });

  it('closes the connection and never reconnects once closed', async () => {
    const opened = await open();
    close!();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(streamRequests()).toHaveLength(1);
    expect(server.streams).toHaveLength(0);
    expect(opened.connected).toEqual([true]);
  });
});
