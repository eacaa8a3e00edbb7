/**
 * The handler's answer as plain parts: status, header fields and a body that
 * is text, bytes, nothing, or an event stream written as it is produced.
 * Routes return a Reply; `toResponse` makes the web-standard Response every
 * caller of the handler gets. An adapter that writes to a socket itself asks
 * for the Reply instead (`handler.reply`, what toNodeListener does) and so
 * builds no Response at all.
 *
 * Why two forms (Node 20, CPU per answer, /tmp micro-benchmarks next to
 * bench/load.mjs): `new Response(json, init)` and reading it back through its
 * web stream cost ~25–30 µs, against ~1 µs for these parts — a fifth of what a
 * whole chat message costs the server. The Reply is plain data, nothing in it
 * is Node's: Deno, Bun and Workers get the same answer as a Response.
 */

/** Where an event stream's bytes go: a socket (an adapter's) or a web stream (`toResponse`). */
export interface ByteSink {
  write(bytes: Uint8Array): void;
  /** Bytes written that wait for the client (0 while the consumer takes them as they come). */
  readonly queuedBytes: number;
  /** Ends at once, dropping whatever waits (a client too slow to read). */
  abort(): void;
  /** Ends after whatever waits. */
  end(): void;
}

/**
 * A body written as it is produced (an SSE channel, live/sse.ts). Its consumer
 * attaches a sink, once, and reports the sink's events.
 */
export interface EventStream {
  /** From now on bytes go to `sink` (those written before, first). Once. */
  attach(sink: ByteSink): void;
  /** The sink took what waited: producers waiting for room go on. */
  drained(): void;
  /** The client went away. */
  gone(): void;
}

export type ReplyBody = string | Uint8Array | null | EventStream;

/** An answer of the handler, before it is a Response. */
export interface Reply {
  readonly status: number;
  /** Header fields, names in lower case (the handler adds its own to them before the answer leaves). */
  readonly headers: Record<string, string>;
  readonly body: ReplyBody;
}

/** Whether a body is written as it is produced. */
export function isEventStream(body: ReplyBody): body is EventStream {
  return typeof (body as Partial<EventStream> | null)?.attach === 'function';
}

/** A Reply; header names are lower-cased (they compare case-insensitively). */
export function reply(status: number, body: ReplyBody, headers: Readonly<Record<string, string>> = {}): Reply {
  const fields: Record<string, string> = {};
  for (const name of Object.keys(headers)) fields[name.toLowerCase()] = headers[name]!;
  return { status, headers: fields, body };
}

const JSON_FIELDS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/** A JSON answer. API answers carry personal data, so nothing caches them. */
export function jsonReply(status: number, value: unknown, headers?: Readonly<Record<string, string>>): Reply {
  // Most answers add no field: their record is built as it is, its names already lower case (~1 µs less a request).
  if (headers === undefined) return { status, headers: { 'content-type': JSON_FIELDS['content-type'], 'cache-control': JSON_FIELDS['cache-control'] }, body: JSON.stringify(value) };
  return reply(status, JSON.stringify(value), { ...JSON_FIELDS, ...headers });
}

export function emptyReply(status = 204, headers: Readonly<Record<string, string>> = {}): Reply {
  return reply(status, null, { 'cache-control': 'no-store', ...headers });
}

/** Adds `value` to a comma-separated field such as Vary, unless it is there already. */
export function appendField(headers: Record<string, string>, name: string, value: string): void {
  const current = headers[name];
  if (!current) headers[name] = value;
  else if (!current.split(',').some((part) => part.trim().toLowerCase() === value.toLowerCase())) headers[name] = `${current}, ${value}`;
}

/**
 * The Response for a Reply. An event stream gets a web stream (back-pressure
 * from its reader, end from its cancel) and also ends when `signal` aborts
 * (the request's: a runtime that drops the client may not cancel the body).
 */
export function toResponse(answer: Reply, signal?: AbortSignal): Response {
  const { status, headers, body } = answer;
  if (!isEventStream(body)) return new Response(body as BodyInit | null, { status, headers });
  const onAbort = (): void => body.gone();
  const sink = new WebStreamSink(body, () => signal?.removeEventListener('abort', onAbort));
  body.attach(sink);
  if (signal?.aborted) body.gone();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return new Response(sink.stream, { status, headers });
}

/** The web-stream consumer of an event stream: what waits is the stream's own queue. */
class WebStreamSink implements ByteSink {
  readonly stream: ReadableStream<Uint8Array>;
  readonly #done: () => void;
  #controller!: ReadableStreamDefaultController<Uint8Array>;

  constructor(source: EventStream, done: () => void) {
    this.#done = done;
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: () => source.drained(),
        cancel: () => {
          done();
          source.gone();
        },
      },
      { highWaterMark: 0, size: (chunk) => chunk.byteLength },
    );
  }

  write(bytes: Uint8Array): void {
    this.#controller.enqueue(bytes);
  }

  // Bytes, not chunks: with a high-water mark of 0, -desiredSize is exactly what waits unread.
  get queuedBytes(): number {
    return Math.max(0, -(this.#controller.desiredSize ?? 0));
  }

  abort(): void {
    this.#done();
    // Error, not close: a closed stream would still hold its queue until read; this frees it now.
    try {
      this.#controller.error(new Error('chatq: SSE consumer too slow'));
    } catch {
      // already errored
    }
  }

  end(): void {
    this.#done();
    try {
      this.#controller.close();
    } catch {
      // already closed or errored by the consumer
    }
  }
}
