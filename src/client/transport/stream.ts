import type { StreamEvent } from '../../identity/index.js';
import { authHeaders, toApiError, type Api, type ApiError } from './api.js';
import { createSseParser } from './sse.js';
import { backoff } from '../support/timers.js';

/**
 * The agent-message stream: `GET {base}/v1/stream` over `fetch` with the
 * session in `Authorization` (EventSource cannot send headers; SPEC §6),
 * parsed by our SSE parser, reconnecting with exponential backoff and jitter
 * and resending `Last-Event-ID`. A watchdog reconnects when not even the
 * ≤ 25 s heartbeat arrives (a proxy that silently dropped the connection).
 */
export interface StreamOptions {
  api: Api;
  session: string;
  /** The stream position to resume from (the last `id:` received on the stream), resent as Last-Event-ID. */
  lastEventId(): string;
  /** `id`: the stream position after this event (opaque, protocol.ts StreamEvent). */
  onEvent(event: StreamEvent, id: string): void;
  /** A 4xx that reconnecting cannot fix (401 and the like); the stream has stopped. */
  onFatal(error: ApiError): void;
  /** Connection state, for the "reconnecting" notice. */
  onConnected?(connected: boolean): void;
}

const WATCHDOG_MS = 65_000;
/** A stream that stayed open this long (or delivered an event) was healthy: backoff starts over. */
const HEALTHY_MS = 30_000;
/** A reconnect within this long (a server draining for a deploy, SPEC §8) shows the visitor no notice. */
const QUIET_MS = 4_000;

/** Opens the stream; returns a function that closes it for good. */
export function openStream(options: StreamOptions): () => void {
  let closed = false;
  let attempt = 0;
  let controller: AbortController | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let serverRetry = 0;
  let offline: ReturnType<typeof setTimeout> | undefined;

  const connect = async (): Promise<void> => {
    const aborter = (controller = new AbortController());
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const feed = (): void => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => aborter.abort(), WATCHDOG_MS);
    };
    let wait: number | undefined;
    try {
      const headers = authHeaders(options.session, false);
      headers.Accept = 'text/event-stream';
      const last = options.lastEventId();
      if (last) headers['Last-Event-ID'] = last;
      feed();
      // The optional events the panel shows (SPEC §11; identity/wire.ts OPTIONAL_STREAM_EVENTS).
      const response = await options.api.request('/v1/stream?events=presence,typing,read', { headers, signal: aborter.signal });
      if (!response.ok) {
        const error = await toApiError(response);
        if (response.status !== 429 && response.status < 500) {
          closed = true;
          options.onFatal(error);
        } else if (error.retryAfter) wait = error.retryAfter * 1000;
      } else {
        // A body-less answer (a 204) throws here, before the stream counts as connected: reconnect below.
        const reader = response.body!.getReader();
        // Not on the 200 alone: a proxy answering 200 then closing at once would reconnect in a storm.
        const opened = Date.now();
        offline = clearTimeout(offline) as undefined; // re-armed by the next disconnect
        options.onConnected?.(true);
        const parser = createSseParser(
          ({ event, data, id }) => {
            try {
              const parsed = JSON.parse(data) as StreamEvent;
              if (parsed?.type === event) {
                attempt = 0;
                options.onEvent(parsed, id);
              }
            } catch {
              // Not ours (malformed JSON): skip this one event, keep the stream.
            }
          },
          (ms) => (serverRetry = ms),
          last,
        );
        const decoder = new TextDecoder();
        for (;;) {
          const { done, value } = await reader.read();
          if (done || closed) break;
          feed();
          parser.push(decoder.decode(value, { stream: true }));
        }
        if (Date.now() - opened >= HEALTHY_MS) attempt = 0;
      }
    } catch {
      // Network error or the watchdog's abort: reconnect below.
    }
    clearTimeout(watchdog);
    if (closed) return;
    offline ??= setTimeout(() => options.onConnected?.(false), QUIET_MS);
    const delay = wait ?? Math.max(serverRetry, backoff(attempt++));
    retryTimer = setTimeout(connect, delay);
  };

  void connect();
  return () => {
    closed = true;
    clearTimeout(retryTimer);
    clearTimeout(offline);
    controller?.abort();
  };
}
