/**
 * A Server-Sent Events parser, written here because the widget streams with
 * `fetch` + `ReadableStream`: `EventSource` cannot send an `Authorization`
 * header, and the session must never travel in a URL (SPEC §6).
 *
 * It reads what the chat server writes (server/handler/live/sse.ts: LF line
 * ends, `event:` on every event, numeric ids, `retry:`, `:` comments), the
 * WHATWG "event stream interpretation" without what that server never sends
 * (every byte here is paid by every host page): CR and CRLF line ends, an
 * event without `event:` (dispatched with type "", which no stream event has),
 * ids holding NUL. A leading BOM never reaches it: the callers' TextDecoder
 * drops it.
 */

/** One dispatched event. `id` is the last event id seen so far (it persists across events). */
export interface SseEvent {
  event: string;
  data: string;
  id: string;
}

export interface SseParser {
  /** Feeds decoded text; chunks may split lines anywhere. */
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

  return {
    push(chunk) {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        // `name: value` (one leading space dropped), a bare `name`, or a `:` comment (no name: ignored, e.g. the heartbeat).
        const [, name, value] = /^([^:]*):? ?(.*)$/.exec(line)!;
        if (!line) {
          if (data) onEvent({ event: type, data: data.join('\n'), id: lastEventId });
          data = undefined;
          type = '';
        } else if (name === 'data') (data ??= []).push(value!);
        else if (name === 'event') type = value!;
        else if (name === 'id') lastEventId = value!;
        else if (name === 'retry' && /^\d+$/.test(value!)) onRetry?.(+value!);
      }
    },
  };
}
