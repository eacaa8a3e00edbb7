/**
 * One heartbeat timer per period for every open stream (issue 22 item 4):
 * a Timeout per stream was ~0.2 KB of each open stream's memory. Fake
 * timers: the beats are counted, never waited for.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ByteSink, EventStream } from '../../../../src/server/handler/http/reply.js';
import { startBeating, stopBeating, type Beating } from '../../../../src/server/handler/live/heartbeat.js';
import { openSse, type SseChannel } from '../../../../src/server/handler/live/sse.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** An SSE channel whose bytes are collected as text. */
function openCollected(heartbeatMs: number): { channel: SseChannel; text: () => string } {
  const { reply, channel } = openSse({ heartbeatMs, maxQueuedBytes: 1 << 20, onClose: () => {} });
  let text = '';
  const sink: ByteSink = { write: (bytes) => void (text += new TextDecoder().decode(bytes)), queuedBytes: 0, abort: () => {}, end: () => {} };
  (reply.body as EventStream).attach(sink);
  return { channel, text: () => text };
}

const pings = (text: string): number => text.split(': ping\n\n').length - 1;

function item(onBeat: () => void = () => {}): Beating & { beats: number } {
  return {
    beats: 0,
    slot: -1,
    index: 0,
    beat() {
      this.beats++;
      onBeat();
    },
  };
}

describe('the heartbeat wheel', () => {
  it('1,000 open streams with one period hold one timer, and none once they close', () => {
    const streams = Array.from({ length: 1000 }, () => openCollected(20_000));
    expect(vi.getTimerCount()).toBe(1);
    for (const { channel } of streams) channel.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('every stream beats once per period, its first beat within one period of opening', () => {
    const first = openCollected(20_000);
    vi.advanceTimersByTime(7_000);
    const second = openCollected(20_000);
    vi.advanceTimersByTime(20_000);
    expect(pings(first.text())).toBe(1);
    expect(pings(second.text())).toBe(1);
    vi.advanceTimersByTime(3 * 20_000);
    expect(pings(first.text())).toBe(4);
    expect(pings(second.text())).toBe(4);
    first.channel.close();
    second.channel.close();
  });

  it('a closed stream beats no more; the others go on', () => {
    const streams = Array.from({ length: 5 }, () => openCollected(1_000));
    streams[2]!.channel.close();
    vi.advanceTimersByTime(1_000);
    expect(streams.map(({ text }) => pings(text()))).toEqual([1, 1, 0, 1, 1]);
    for (const { channel } of streams) channel.close();
  });

  it('a beat that stops streams (its own and others) or throws does not skip any other stream', () => {
    const items: (Beating & { beats: number })[] = [];
    const stopper = item(() => {
      stopBeating(stopper, 800);
      stopBeating(items[0]!, 800);
    });
    const thrower = item(() => {
      throw new Error('broken');
    });
    items.push(item(), stopper, thrower, item(), item());
    for (const it of items) startBeating(it, 800);
    vi.advanceTimersByTime(800);
    // The first was stopped during the beat, after the copy of the slot was taken: it beat this once.
    expect(items.map((i) => i.beats)).toEqual([1, 1, 1, 1, 1]);
    vi.advanceTimersByTime(800);
    expect(items.map((i) => i.beats)).toEqual([1, 1, 2, 2, 2]);
    for (const it of items) stopBeating(it, 800);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('streams of different periods beat on their own periods', () => {
    const fast = openCollected(1_000);
    const slow = openCollected(5_000);
    expect(vi.getTimerCount()).toBe(2);
    vi.advanceTimersByTime(5_000);
    expect(pings(fast.text())).toBe(5);
    expect(pings(slow.text())).toBe(1);
    fast.channel.close();
    slow.channel.close();
  });
});
