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
  /** The data lines of the event being read; undefined until one comes. */
  let data: string[] | undefined;
  let type = '';
  let lastEventId = initialId;
  let first = true;

  function field(line: string): void {
    if (!line) {
      if (data) onEvent({ event: type || 'message', data: data.join('\n'), id: lastEventId });
      data = undefined;
      type = '';
      return;
    }
    // `name: value` (one leading space dropped), a bare `name`, or a `:` comment (no name: ignored, e.g. the heartbeat).
    const [, name, value] = /^([^:]*):? ?(.*)$/.exec(line)!;
    if (name === 'data') (data ??= []).push(value!);
    else if (name === 'event') type = value!;
    else if (name === 'id') {
      if (!value!.includes('\0')) lastEventId = value!;
    } else if (name === 'retry' && /^\d+$/.test(value!)) onRetry?.(Number(value));
  }

  return {
    push(chunk) {
      buffer += chunk;
      if (first && buffer) {
        first = false;
        buffer = buffer.replace(/^\uFEFF/, '');
      }
      // CRLF, CR or LF ends a line; a CR at the very end of what arrived may be the first half of a CRLF.
      const lines = buffer.split(/\r\n|\r(?!$)|\n/);
      buffer = lines.pop()!;
      for (const line of lines) field(line);
    },
  };
}
