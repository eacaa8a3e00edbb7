/**
 * A Server-Sent Events answer (SPEC §6 "Streams that survive proxies"):
 * comment heartbeats, no caching, no proxy buffering. The channel closes
 * itself when the client goes away (its consumer reports it: a web stream
 * cancelled or the request aborted, http/reply.ts; an adapter's socket
 * closed) and then runs `onClose` exactly once.
 */
import { reply, type ByteSink, type EventStream, type Reply } from '../http/reply.js';
import { startBeating, stopBeating, type Beating } from './heartbeat.js';

export interface SseChannel {
  /** Writes one event; `id` becomes `id:` (the widget resends it as Last-Event-ID). */
  send(event: string, data: unknown, id?: number | string): void;
  /** Writes an event already encoded by sseFrame (one encoding shared by every stream that sends it). */
  sendFrame(frame: Uint8Array): void;
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
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  'X-Content-Type-Options': 'nosniff',
});

const encoder = new TextEncoder();

/**
 * The channel and the answer that carries it. The channel is the answer's
 * body: one object per open stream, no closures per stream, and no web
 * stream, reader, Response or AbortSignal unless the caller wants a Response
 * (toResponse). An adapter writing to its socket attaches it there (heap per
 * open stream 16.3 → 8.1 KB on Node 20, bench/engine.mjs section 4; a bare
 * node:http SSE server holds 5.4 KB).
 */
export function openSse(options: SseOptions): { reply: Reply; channel: SseChannel } {
  const channel = new Channel(options);
  channel.start();
  return { reply: reply(200, channel, SSE_HEADERS), channel };
}

/** One event as the bytes of the wire; `id` becomes `id:` (the widget resends it as Last-Event-ID). */
export function sseFrame(event: string, data: unknown, id?: number | string): Uint8Array {
  return sseJsonFrame(event, JSON.stringify(data), id);
}

/** sseFrame of data already serialised: `json` must be JSON.stringify's output (it never holds a raw newline). */
export function sseJsonFrame(event: string, json: string, id?: number | string): Uint8Array {
  // JSON.stringify never emits a raw newline, so one `data:` line is always enough.
  return encoder.encode(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${json}\n\n`);
}

/** A class, not closures: one object per open stream instead of ~15 functions. */
class Channel implements SseChannel, EventStream, Beating {
  readonly #options: SseOptions;
  #sink: ByteSink = new PendingBytes();
  #closed = false;
  /** Producers waiting in room(); made on the first wait (most streams never wait). */
  #waiters: (() => void)[] | undefined;
  /** The heartbeat wheel's place of this stream (heartbeat.ts); -1 when not beating. */
  slot = -1;
  index = 0;

  constructor(options: SseOptions) {
    this.#options = options;
  }

  /** An immediate comment gets the headers and first bytes through buffering proxies; then the heartbeat. */
  start(): void {
    this.#write(': open\n\n');
    if (!this.#closed) startBeating(this, this.#options.heartbeatMs);
  }

  beat(): void {
    this.#write(': ping\n\n');
    this.#options.onHeartbeat?.();
  }

  send(event: string, data: unknown, id?: number | string): void {
    if (!this.#closed) this.#writeBytes(sseFrame(event, data, id));
  }

  sendFrame(frame: Uint8Array): void {
    this.#writeBytes(frame);
  }

  retry(ms: number): void {
    this.#write(`retry: ${Math.max(0, Math.round(ms))}\n\n`);
  }

  close(): void {
    this.#finish(true);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get queuedBytes(): number {
    return this.#closed ? 0 : this.#sink.queuedBytes;
  }

  async room(): Promise<void> {
    const lowWater = Math.min(LOW_WATER_BYTES, this.#options.maxQueuedBytes / 4);
    while (!this.#closed && this.#sink.queuedBytes > lowWater) await new Promise<void>((resolve) => (this.#waiters ??= []).push(resolve));
  }

  attach(sink: ByteSink): void {
    const pending = this.#sink;
    if (!(pending instanceof PendingBytes)) throw new Error('chatq: an SSE channel has one consumer');
    this.#sink = sink;
    pending.moveTo(sink);
  }

  drained(): void {
    const pending = this.#waiters;
    if (!pending) return;
    this.#waiters = undefined;
    for (const resolve of pending) resolve();
  }

  gone(): void {
    this.#finish(false);
  }

  #write(text: string): void {
    if (!this.#closed) this.#writeBytes(encoder.encode(text));
  }

  #writeBytes(bytes: Uint8Array): void {
    if (this.#closed) return;
    const waiting = this.#sink.queuedBytes;
    if (waiting > 0 && waiting + bytes.byteLength > this.#options.maxQueuedBytes) {
      this.#sink.abort();
      return this.#finish(false);
    }
    try {
      this.#sink.write(bytes);
    } catch {
      this.#finish(false);
    }
  }

  #finish(end: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    stopBeating(this, this.#options.heartbeatMs);
    this.drained();
    if (end) this.#sink.end();
    this.#options.onClose();
  }
}

/** What is written before the consumer attaches its sink (the handler has not returned yet). */
class PendingBytes implements ByteSink {
  #chunks: Uint8Array[] = [];
  #queued = 0;
  #ending: 'end' | 'abort' | undefined;

  write(bytes: Uint8Array): void {
    this.#chunks.push(bytes);
    this.#queued += bytes.byteLength;
  }

  get queuedBytes(): number {
    return this.#queued;
  }

  abort(): void {
    this.#chunks = [];
    this.#queued = 0;
    this.#ending = 'abort';
  }

  end(): void {
    this.#ending = 'end';
  }

  moveTo(sink: ByteSink): void {
    for (const bytes of this.#chunks) sink.write(bytes);
    if (this.#ending === 'end') sink.end();
    else if (this.#ending === 'abort') sink.abort();
  }
}
