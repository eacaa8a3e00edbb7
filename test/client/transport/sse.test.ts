import { describe, expect, it } from 'vitest';
import { createSseParser, type SseEvent } from '../../../src/client/transport/sse.js';

function parse(chunks: string[], initialId = ''): { events: SseEvent[]; retries: number[]; lastEventId: string } {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const parser = createSseParser((e) => events.push(e), (ms) => retries.push(ms), initialId);
  for (const chunk of chunks) parser.push(chunk);
  return { events, retries, lastEventId: events.at(-1)?.id ?? initialId };
}

describe('SSE parser (WHATWG event stream interpretation)', () => {
  it('dispatches an event on a blank line with its type, data and id', () => {
    const { events } = parse(['id: 7\nevent: message\ndata: {"a":1}\n\n']);
    expect(events).toEqual([{ event: 'message', data: '{"a":1}', id: '7' }]);
  });

  it('joins multi-line data with \\n and defaults the type to "message"', () => {
    const { events } = parse(['data: first\ndata: second\ndata\n\n']);
    expect(events).toEqual([{ event: 'message', data: 'first\nsecond\n', id: '' }]);
  });

  it('ignores comments (heartbeats) and events without data', () => {
    const { events } = parse([': ping\n\n', 'event: x\n\n', ':\n', 'data: y\n\n']);
    expect(events).toEqual([{ event: 'message', data: 'y', id: '' }]);
  });

  it('accepts CRLF, CR and LF line ends, even with CR and LF in different chunks', () => {
    const { events } = parse(['data: a\r', '\n\r', '\ndata: b\rdata: c\r\r', 'data: d\n\n']);
    expect(events.map((e) => e.data)).toEqual(['a', 'b\nc', 'd']);
  });

  it('reassembles events split at any byte position', () => {
    const text = 'id: 1\nevent: message\ndata: {"x":"héllo"}\n\nid: 2\ndata: two\n\n';
    for (let cut = 1; cut < text.length; cut++) {
      const { events } = parse([text.slice(0, cut), text.slice(cut)]);
      expect(events).toEqual([
        { event: 'message', data: '{"x":"héllo"}', id: '1' },
        { event: 'message', data: 'two', id: '2' },
      ]);
    }
  });

  it('keeps the last id across events, starts from the resent one, and ignores ids with NUL', () => {
    const { events, lastEventId } = parse(['data: a\n\n', 'id: 5\n\ndata: b\n\n', 'id: 6\0\ndata: c\n\n'], '4');
    expect(events.map((e) => e.id)).toEqual(['4', '5', '5']);
    expect(lastEventId).toBe('5');
  });

  it('removes only one leading space, strips a BOM, reports retry: and skips unknown fields', () => {
    const { events, retries } = parse(['\uFEFFdata:  two spaces\nfoo: bar\nretry: 2500\nretry: x\n\n']);
    expect(events).toEqual([{ event: 'message', data: ' two spaces', id: '' }]);
    expect(retries).toEqual([2500]);
  });

  it('does not dispatch an unterminated event', () => {
    expect(parse(['data: pending']).events).toEqual([]);
  });
});
