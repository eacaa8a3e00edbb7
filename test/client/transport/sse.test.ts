import { describe, expect, it } from 'vitest';
import { createSseParser, type SseEvent } from '../../../src/client/transport/sse.js';
import { sseFrame } from '../../../src/server/handler/live/sse.js';

function parse(chunks: string[], initialId = ''): { events: SseEvent[]; retries: number[]; lastEventId: string } {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const parser = createSseParser((e) => events.push(e), (ms) => retries.push(ms), initialId);
  for (const chunk of chunks) parser.push(chunk);
  return { events, retries, lastEventId: events.at(-1)?.id ?? initialId };
}

describe('SSE parser (what the chat server writes: server/handler/live/sse.ts)', () => {
  it('dispatches an event on a blank line with its type, data and id', () => {
    const { events } = parse(['id: 7\nevent: message\ndata: {"a":1}\n\n']);
    expect(events).toEqual([{ event: 'message', data: '{"a":1}', id: '7' }]);
  });

  it('joins multi-line data with \\n; the type is reset after each event', () => {
    const { events } = parse(['event: x\ndata: first\ndata: second\ndata\n\n', 'data: y\n\n']);
    expect(events).toEqual([
      { event: 'x', data: 'first\nsecond\n', id: '' },
      { event: '', data: 'y', id: '' },
    ]);
  });

  it('ignores comments (heartbeats) and events without data', () => {
    const { events } = parse([': open\n\n', ': ping\n\n', 'event: x\n\n', ':\n', 'event: y\ndata: y\n\n']);
    expect(events).toEqual([{ event: 'y', data: 'y', id: '' }]);
  });

  it('reassembles events split at any byte position', () => {
    const text = 'id: 1\nevent: message\ndata: {"x":"héllo"}\n\nid: 2\nevent: message\ndata: two\n\n';
    for (let cut = 1; cut < text.length; cut++) {
      const { events } = parse([text.slice(0, cut), text.slice(cut)]);
      expect(events).toEqual([
        { event: 'message', data: '{"x":"héllo"}', id: '1' },
        { event: 'message', data: 'two', id: '2' },
      ]);
    }
  });

  it('reads the frames the server writes (sseFrame) as they were sent', () => {
    const frames = [sseFrame('message', { type: 'message', n: 1 }, 41), sseFrame('typing', { type: 'typing' })];
    const decoder = new TextDecoder();
    const { events } = parse(frames.map((frame) => decoder.decode(frame, { stream: true })));
    expect(events).toEqual([
      { event: 'message', data: '{"type":"message","n":1}', id: '41' },
      { event: 'typing', data: '{"type":"typing"}', id: '41' },
    ]);
  });

  it('keeps the last id across events and starts from the resent one', () => {
    const { events, lastEventId } = parse(['event: m\ndata: a\n\n', 'id: 5\n\nevent: m\ndata: b\n\n'], '4');
    expect(events.map((e) => e.id)).toEqual(['4', '5']);
    expect(lastEventId).toBe('5');
  });

  it('removes only one leading space, reports retry: and skips unknown fields', () => {
    const { events, retries } = parse(['event: m\ndata:  two spaces\nfoo: bar\nretry: 2500\nretry: x\n\n']);
    expect(events).toEqual([{ event: 'm', data: ' two spaces', id: '' }]);
    expect(retries).toEqual([2500]);
  });

  it('never sees a leading BOM: the TextDecoder the callers use drops it', () => {
    const decoder = new TextDecoder();
    const bytes = new TextEncoder().encode('\uFEFFevent: m\ndata: a\n\n');
    const { events } = parse([decoder.decode(bytes.subarray(0, 2), { stream: true }), decoder.decode(bytes.subarray(2), { stream: true })]);
    expect(events).toEqual([{ event: 'm', data: 'a', id: '' }]);
  });

  it('does not dispatch an unterminated event', () => {
    expect(parse(['event: m\ndata: pending']).events).toEqual([]);
  });
});
