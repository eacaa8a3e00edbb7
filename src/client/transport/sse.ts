/**
 * A Server-Sent Events parser (the WHATWG "event stream interpretation"),
 * written here because the widget streams with `fetch` + `ReadableStream`:
 * `EventSource` cannot send an `Authorization` header, and the session must
 * never travel in a URL (SPEC §6).
 */

/** One dispatched event. `id` is the last event id seen so far (it persists across events). */
export interface SseEvent {
  event: string;
  data: string;
  id: string;
}

export interface SseParser {
  /** Feeds decoded text; chunks may split lines (and CR from LF) anywhere. */
  push(chunk: string): void;
}

/**
 * Creates a parser. `onEvent` runs for each complete event; `onRetry` gets a
 * `retry:` field's reconnection delay in milliseconds.
 */
export function createSseParser(
  onEvent: (event: SseEvent) => void,
  onRetry?: (ms: number) => void,
  initialId = '',
): SseParser {
  let buffer = '';
  let data = '';
  let hasData = false;
  let type = '';
  let lastEventId = initialId;
  let first = true;
  // A CR at the very end of a chunk may be the first half of CRLF.
  let pendingCr = false;

  function field(line: string): void {
    if (line === '') {
      if (hasData) onEvent({ event: type || 'message', data, id: lastEventId });
      data = '';
      hasData = false;
      type = '';
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ":" comment, e.g. the heartbeat
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (name === 'data') {
      data = hasData ? data + '\n' + value : value;
      hasData = true;
    } else if (name === 'event') type = value;
    else if (name === 'id') {
      if (!value.includes('\0')) lastEventId = value;
    } else if (name === 'retry' && /^\d+$/.test(value)) onRetry?.(Number(value));
  }

  return {
    push(chunk) {
      if (first && chunk) {
        first = false;
        if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      }
      if (pendingCr && chunk.charCodeAt(0) === 10) chunk = chunk.slice(1);
      pendingCr = false;
      buffer += chunk;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer.charCodeAt(i);
        if (c !== 10 && c !== 13) continue;
        field(buffer.slice(start, i));
        if (c === 13) {
          if (i + 1 === buffer.length) pendingCr = true;
          else if (buffer.charCodeAt(i + 1) === 10) i++;
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
    },
  };
}
