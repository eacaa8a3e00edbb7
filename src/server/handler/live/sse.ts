/**
 * A Server-Sent Events response built on a web ReadableStream (SPEC §6
 * "Streams that survive proxies"): comment heartbeats, no caching, no proxy
 * buffering. The channel closes itself when the client goes away (stream
 * cancelled or request aborted) and then runs `onClose` exactly once.
 */
export interface SseChannel {
  /** Writes one event; `id` becomes `id:` (the widget resends it as Last-Event-ID). */
  send(event: string, data: unknown, id?: number): void;
  /** Bytes written but not yet taken by the consumer. */
  readonly queuedBytes: number;
  /**
   * Resolves once few enough bytes wait unread (or the channel closed):
   * producers await it before each event, so a slow client makes them wait
   * (reading from the store later) instead of filling memory.
   */
  room(): Promise<void>;
  /** Tells the client how long to wait before reconnecting (the SSE `retry:` field). */
  retry(ms: number): void;
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
  /**
   * A consumer that reads nothing is dropped once this many bytes wait for it
   * (a single event bigger than that still goes out when nothing else waits).
   * The queue is discarded at once; the client reconnects (visitor streams
   * resume with Last-Event-ID, agent streams start with a fresh snapshot).
   */
  maxQueuedBytes: number;
}

/** Producers write while fewer bytes than this wait unread (and at most a quarter of maxQueuedBytes). */
const LOW_WATER_BYTES = 64 * 1024;

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
  let waiters: (() => void)[] = [];
  const wakeWaiters = (): void => {
    const pending = waiters;
    waiters = [];
    for (const resolve of pending) resolve();
  };
  // Bytes, not chunks: with a high-water mark of 0, -desiredSize is exactly what waits unread.
  const queued = (): number => Math.max(0, -(controller.desiredSize ?? 0));

  const finish = (closeStream: boolean): void => {
    if (closed) return;
    closed = true;
    if (heartbeat !== undefined) clearInterval(heartbeat);
    options.signal.removeEventListener('abort', onAbort);
    wakeWaiters();
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
    const bytes = encoder.encode(text);
    const waiting = queued();
    if (waiting > 0 && waiting + bytes.byteLength > options.maxQueuedBytes) {
      // Error, not close: a closed stream would still hold its queue until read; this frees it now.
      try {
        controller.error(new Error('chatq: SSE consumer too slow'));
      } catch {
        // already errored
      }
      return finish(false);
    }
    try {
      controller.enqueue(bytes);
    } catch {
      finish(false);
    }
  };

  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        wakeWaiters();
      },
      cancel() {
        finish(false);
      },
    },
    { highWaterMark: 0, size: (chunk) => chunk.byteLength },
  );

  const channel: SseChannel = {
    send(event, data, id) {
      // JSON.stringify never emits a raw newline, so one `data:` line is always enough.
      write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    retry(ms) {
      write(`retry: ${Math.max(0, Math.round(ms))}\n\n`);
    },
    close: () => finish(true),
    get queuedBytes() {
      return closed ? 0 : queued();
    },
    async room() {
      const lowWater = Math.min(LOW_WATER_BYTES, options.maxQueuedBytes / 4);
      while (!closed && queued() > lowWater) await new Promise<void>((resolve) => waiters.push(resolve));
    },
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
