/**
 * A Server-Sent Events response built on a web ReadableStream (SPEC §6
 * "Streams that survive proxies"): comment heartbeats, no caching, no proxy
 * buffering. The channel closes itself when the client goes away (stream
 * cancelled or request aborted) and then runs `onClose` exactly once.
 */
export interface SseChannel {
  /** Writes one event; `id` becomes `id:` (the widget resends it as Last-Event-ID). */
  send(event: string, data: unknown, id?: number): void;
  /** Ends the stream (after anything already written). */
  close(): void;
  readonly closed: boolean;
}

export interface SseOptions {
  signal: AbortSignal;
  heartbeatMs: number;
  /** Called on every heartbeat (e.g. to keep an idle session alive). */
  onHeartbeat?: () => void;
  onClose: () => void;
}

/** A client that reads nothing is dropped past this many queued chunks; it reconnects with Last-Event-ID. */
const MAX_QUEUED_CHUNKS = 1024;

export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache',
  'X-Accel-Buffering': 'no',
  'X-Content-Type-Options': 'nosniff',
});

export function openSse(options: SseOptions): { response: Response; channel: SseChannel } {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  const finish = (closeStream: boolean): void => {
    if (closed) return;
    closed = true;
    if (heartbeat !== undefined) clearInterval(heartbeat);
    options.signal.removeEventListener('abort', onAbort);
    if (closeStream) {
      try {
        controller.close();
      } catch {
        // already closed or errored by the consumer
      }
    }
    options.onClose();
  };
  const onAbort = (): void => finish(true);

  const write = (text: string): void => {
    if (closed) return;
    if ((controller.desiredSize ?? 0) < -MAX_QUEUED_CHUNKS) return finish(true);
    try {
      controller.enqueue(encoder.encode(text));
    } catch {
      finish(false);
    }
  };

  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      finish(false);
    },
  });

  const channel: SseChannel = {
    send(event, data, id) {
      // JSON.stringify never emits a raw newline, so one `data:` line is always enough.
      write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    close: () => finish(true),
    get closed() {
      return closed;
    },
  };

  // An immediate comment gets the headers and first bytes through buffering proxies.
  write(': open\n\n');
  heartbeat = setInterval(() => {
    write(': ping\n\n');
    options.onHeartbeat?.();
  }, options.heartbeatMs);
  if (options.signal.aborted) finish(true);
  else options.signal.addEventListener('abort', onAbort, { once: true });

  return { response: new Response(stream, { status: 200, headers: SSE_HEADERS }), channel };
}
