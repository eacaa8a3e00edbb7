/**
 * A Response that keeps its parts (status, header fields, a string or byte
 * body) as plain values until something asks for more, so an adapter that
 * knows the trick can write them straight to the socket.
 *
 * Why (measured on Node 20 with bench/load.mjs and /tmp micro-benchmarks):
 * undici's `new Response(string, init)` costs ~10 µs, four `headers.set` calls
 * ~12 µs more, and reading the body back through its web stream ~15–25 µs:
 * together more than the whole message route. A handler that only runs on a
 * runtime with a native Response (Deno, Bun, Workers) never sees one of these:
 * the handler turns it into a real Response unless the request came from an
 * adapter that accepts raw responses (`acceptsRawResponse`).
 *
 * Both symbols are `Symbol.for` names so an adapter and a handler from two
 * copies of the package still understand each other.
 */

import { inheritThrough } from './inherit-through.js';

/** The parts of a raw response, for adapters. `headers` has lowercase names. */
export interface RawResponseParts {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>> | Headers;
  readonly body: RawBody;
}

type RawBody = string | Uint8Array | null | StreamedBody;

/** Where a streamed body's bytes go: the adapter's socket. */
export interface ByteSink {
  write(bytes: Uint8Array): void;
  /** Bytes written that wait for the client (0 while the socket takes them as they come). */
  readonly queuedBytes: number;
  /** Ends at once, dropping whatever waits (a client too slow to read). */
  abort(): void;
  /** Ends after whatever waits. */
  end(): void;
}

/**
 * A body written as it is produced (an SSE channel, live/sse.ts). An adapter
 * gives it a sink and reports the sink's events; no web stream, reader or
 * Response exists for it (8 KB less heap per open SSE stream on Node 20,
 * bench/engine.mjs section 4).
 */
export interface StreamedBody {
  /** From now on bytes go to `sink` (those written before, first). Once. */
  attach(sink: ByteSink): void;
  /** The sink took what waited (Node's 'drain'): producers waiting for room go on. */
  drained(): void;
  /** The client went away. */
  gone(): void;
  /** The same bytes as a web stream, for a caller that reads the Response itself. */
  stream(): ReadableStream<Uint8Array>;
}

/** Whether a raw body is written as it is produced (the adapter attaches a sink). */
export function isStreamedBody(body: RawBody): body is StreamedBody {
  return typeof (body as Partial<StreamedBody> | null)?.attach === 'function';
}

const RAW_PARTS = Symbol.for('chatq.rawResponse');
const ACCEPTS_RAW = Symbol.for('chatq.acceptsRawResponse');

/** Marks an adapter's request object: the adapter writes raw responses itself. */
export const ACCEPTS_RAW_RESPONSE: typeof ACCEPTS_RAW = ACCEPTS_RAW;

/** Whether the caller of the handler understands raw responses (an adapter's own request object). */
export function acceptsRawResponse(request: Request): boolean {
  return (request as { [ACCEPTS_RAW]?: unknown })[ACCEPTS_RAW] === true;
}

/**
 * The raw parts of a response, or undefined for any other Response (or a raw
 * one that something already turned into a real Response, e.g. by reading it).
 */
export function rawResponseParts(response: Response): RawResponseParts | undefined {
  const parts = (response as { [RAW_PARTS]?: () => RawResponseParts | undefined })[RAW_PARTS];
  return typeof parts === 'function' ? parts.call(response) : undefined;
}

class RawResponse {
  readonly #status: number;
  readonly #body: RawBody;
  /** Lowercase names; dropped once `headers` is asked for (the Headers object is then the truth). */
  #fields: Record<string, string> | undefined;
  #headers: Headers | undefined;
  #real: Response | undefined;

  constructor(status: number, body: RawBody, fields: Record<string, string>) {
    this.#status = status;
    this.#body = body;
    this.#fields = fields;
  }

  get status(): number {
    return this.#status;
  }

  get ok(): boolean {
    return this.#status >= 200 && this.#status <= 299;
  }

  get statusText(): string {
    return '';
  }

  get headers(): Headers {
    if (this.#real) return this.#real.headers;
    if (!this.#headers) {
      this.#headers = new Headers(this.#fields);
      this.#fields = undefined;
    }
    return this.#headers;
  }

  [RAW_PARTS](): RawResponseParts | undefined {
    if (this.#real) return undefined;
    return { status: this.#status, headers: this.#headers ?? this.#fields!, body: this.#body };
  }

  /** The real Response, built once; from then on every read goes through it. */
  materialize(): Response {
    if (this.#real) return this.#real;
    const body = isStreamedBody(this.#body) ? this.#body.stream() : this.#body;
    this.#real = new Response(body as BodyInit | null, { status: this.#status, headers: this.headers });
    return this.#real;
  }

  /** Header access that does not build a Headers object (the handler's own CORS and nosniff headers). */
  static getField(response: RawResponse, name: string): string | null {
    return response.#fields ? (response.#fields[name.toLowerCase()] ?? null) : response.headers.get(name);
  }

  static setField(response: RawResponse, name: string, value: string): void {
    if (response.#fields) response.#fields[name.toLowerCase()] = value;
    else response.headers.set(name, value);
  }
}

// instanceof Response holds; every Response member not defined above reads
// through the real Response (body, bodyUsed, text(), clone(), type, url, …).
inheritThrough(RawResponse.prototype, Response.prototype, (self) => (self as RawResponse).materialize());

/**
 * A Response with a string, byte or streamed body and plain header fields
 * (names are case-insensitive, stored lowercase). Behaves as a Response
 * everywhere; adapters that accept raw responses write it without the
 * web-stream round trip.
 */
export function rawResponse(status: number, body: RawBody, headers: Record<string, string>): Response {
  const fields: Record<string, string> = {};
  for (const name of Object.keys(headers)) fields[name.toLowerCase()] = headers[name]!;
  return new RawResponse(status, body, fields) as unknown as Response;
}

/** A real Response for callers that did not ask for raw ones (handler output on Deno, Bun, Workers, tests). */
export function toStandardResponse(response: Response): Response {
  return response instanceof RawResponse ? response.materialize() : response;
}

/** `response.headers.get(name)`, without building a Headers object for a raw response. */
export function getResponseHeader(response: Response, name: string): string | null {
  return response instanceof RawResponse ? RawResponse.getField(response, name) : response.headers.get(name);
}

/** `response.headers.set(name, value)`, without building a Headers object for a raw response. */
export function setResponseHeader(response: Response, name: string, value: string): void {
  if (response instanceof RawResponse) RawResponse.setField(response, name, value);
  else response.headers.set(name, value);
}
