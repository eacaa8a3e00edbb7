import type { IncomingMessage } from 'node:http';
import { copyBytes } from '../http/bytes.js';
import { alreadyReadBody } from './node-parsed-body.js';

/**
 * The body of one IncomingMessage, read only when something asks for it:
 * whole (`readAll`, what the handler's JSON routes use) or as a web stream
 * with backpressure (`stream`, for a real Request). Nothing is read before
 * the handler asks, so its per-address limits answer before a byte of body
 * is read (SPEC §6 "Bounds"); the bytes stay in the socket until then.
 *
 * The body must arrive within `deadlineMs` of the headers (SPEC §6: 10 s):
 * past it, a read in progress or to come fails with a `BodyTimeoutError`
 * (the handler answers 408, and the connection closes after it), or, when
 * the answer was already given and the rest of the body was being drained,
 * the connection closes at once. Past `limit` bytes, or when the handler
 * stops reading, it stops consuming and marks the request abandoned so the
 * connection is closed after the answer (an unread body must not be drained
 * into the next request on the connection).
 *
 * A body a middleware mounted first already read (express.json(), SPEC §6
 * "Fitting") is taken from where it left it (node-parsed-body.ts), under the
 * same limits; with nothing left there, a read fails at once with a
 * `BodyConsumedError` (a 400 that names the cause) instead of waiting for an
 * 'end' that is past.
 */
export class BodyReader {
  abandoned = false;
  timedOut = false;
  #discarding = false;
  /** The whole body, once `readAll` has been asked for it (later reads get the same bytes). */
  #whole: Promise<Uint8Array<ArrayBuffer>> | undefined;
  #streaming = false;
  /** The whole body was taken from the stream's buffer: nothing is left to drain, whether or not its 'end' has come yet. */
  #taken = false;
  /** Fails the read in progress (deadline). */
  #fail: ((error: Error) => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the armed timer fires (Date.now() ms). */
  #deadlineAt = Infinity;
  /** The body another middleware read before the handler ran, when it left one (undefined otherwise). */
  readonly #alreadyRead: Uint8Array<ArrayBuffer> | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly limit: number,
    deadlineMs: number,
  ) {
    this.#alreadyRead = req.readableEnded && !this.isAbsent() ? alreadyReadBody(req) : undefined;
    // A timer only for a body still to come; Infinity turns the deadline off.
    // No closure per request: the reader rides along as the timer's argument.
    if (!this.isAbsent() && !req.readableEnded && Number.isFinite(deadlineMs)) this.#arm(deadlineMs);
  }

  /**
   * No body at all (RFC 9112 §6.3: neither Content-Length nor
   * Transfer-Encoding, or a zero length): a CORS preflight, a DELETE.
   */
  isAbsent(): boolean {
    const { headers } = this.req;
    return headers['transfer-encoding'] === undefined && (headers['content-length'] === undefined || headers['content-length'] === '0');
  }

  /**
   * The whole body, at most `maxBytes` (and never past the adapter's limit):
   * past them it stops reading and rejects with a `BodyTooLargeError`. Asked
   * again, it gives the same bytes (or the same error). A `deadlineMs` (the
   * handler's own, from now) moves the deadline earlier when it comes first:
   * still one timer (issue 22 item 1).
   */
  readAll(maxBytes = this.limit, deadlineMs = Infinity): Promise<Uint8Array<ArrayBuffer>> {
    if (this.#streaming) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    const given = this.#alreadyRead;
    if (given) return given.byteLength > Math.min(maxBytes, this.limit) ? Promise.reject(tooLargeError()) : Promise.resolve(given);
    if (!this.#whole) {
      this.#whole = this.#readWhole(Math.min(maxBytes, this.limit));
      // Still waiting for bytes: the handler's deadline too, when it comes before the adapter's.
      if (this.#fail && Number.isFinite(deadlineMs) && Date.now() + deadlineMs < this.#deadlineAt) this.#arm(deadlineMs);
    }
    return this.#whole;
  }

  /**
   * The body as a web stream. It reads nothing until its first read (a
   * Request built around it does not consume the body); if the body was
   * already read whole, it gives those bytes.
   */
  stream(): ReadableStream<Uint8Array> {
    let started = false;
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          if (started) {
            if (!this.abandoned) this.req.resume();
            return;
          }
          started = true;
          if (!this.#whole && !this.#alreadyRead) return this.#startStream(controller);
          try {
            controller.enqueue((await (this.#whole ?? this.readAll())).slice());
            controller.close();
          } catch (error) {
            controller.error(error);
          }
        },
        cancel: () => this.#abandon(),
      },
      { highWaterMark: 0 },
    );
  }

  /** GET and HEAD: a body, if any, is not ours to read. */
  discard(): void {
    if (this.req.readableEnded) return;
    this.#discarding = true;
    this.req.resume();
  }

  /**
   * After the handler answered: a body it left unread is drained when it is
   * announced as small, else the connection must close. A drain is still
   * bound by the deadline. Returns whether the connection can be kept alive.
   */
  settle(): boolean {
    if (this.abandoned) {
      this.#disarm();
      return false;
    }
    if (this.req.readableEnded || this.#taken) {
      this.#disarm();
      return true;
    }
    // Everything the client sent has arrived (or there was no body): drain what is left, keep the connection.
    if (this.req.complete) {
      this.#disarm();
      this.#drain();
      return true;
    }
    const declared = this.req.headers['content-length'];
    if (declared === undefined || !/^\d+$/.test(declared) || Number(declared) > this.limit) {
      this.#abandon();
      this.#disarm();
      return false;
    }
    this.req.once('end', () => this.#disarm());
    this.#drain();
    return true;
  }

  /** The connection is gone: nothing more will arrive, no deadline to keep. */
  close(): void {
    this.#disarm();
  }

  #readWhole(cap: number): Promise<Uint8Array<ArrayBuffer>> {
    if (this.timedOut) return Promise.reject(timeoutError());
    const { req } = this;
    // Consumed before the handler ran (a body parser mounted first) and nothing left in req.body: its 'end' is past, waiting would hang.
    if (req.readableEnded) return Promise.reject(consumedError());
    // All of it has arrived (a small body comes in the headers' packet) and waits in the stream's buffer:
    // taken at once, with no listeners, no flowing and no timer left (what most requests are).
    if (this.#allBuffered()) return this.#readBuffered(cap);
    return new Promise((resolve, reject) => {
      const chunks: Uint8Array[] = [];
      let total = 0;
      const done = (): void => {
        req.off('data', onData);
        req.off('end', onEnd);
        req.off('error', fail);
        req.off('close', onClose);
        this.#fail = undefined;
      };
      const fail = (error: Error): void => {
        done();
        reject(error);
      };
      const onData = (chunk: Uint8Array): void => {
        total += chunk.byteLength;
        // A Content-Length body cannot pass its announced size (node's parser stops there); a chunked one can.
        if (total > cap) {
          this.#abandon();
          fail(tooLargeError());
          return;
        }
        chunks.push(chunk);
      };
      const onEnd = (): void => {
        done();
        this.#disarm();
        // One chunk as it came, as #readBuffered does (a view of the socket read it arrived in).
        resolve(chunks.length === 1 ? (chunks[0] as Uint8Array<ArrayBuffer>) : copyBytes(chunks, total));
      };
      const onClose = (): void => {
        if (!req.readableEnded) fail(new Error('The client went away before its request body arrived.'));
      };
      this.#fail = fail;
      req.on('data', onData);
      req.once('end', onEnd);
      req.once('error', fail);
      req.once('close', onClose);
      req.resume();
    });
  }

  /**
   * Whether the whole body waits in the stream's buffer, nothing read from it
   * yet: the message is complete, or its Content-Length bytes are all there
   * (node's parser pushes a body in the same step as the headers, but marks
   * the message complete only on a later turn of the event loop; it never
   * pushes past Content-Length).
   */
  #allBuffered(): boolean {
    const { req } = this;
    if (req.readableFlowing === true) return false;
    if (req.complete) return true;
    const declared = req.headers['content-length'];
    return req.headers['transfer-encoding'] === undefined && declared !== undefined && /^\d+$/.test(declared) && req.readableLength >= Number(declared);
  }

  /** The body read whole from the stream's buffer (all of it has arrived). */
  #readBuffered(cap: number): Promise<Uint8Array<ArrayBuffer>> {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (let chunk: Uint8Array | null; (chunk = this.req.read() as Uint8Array | null) !== null; ) {
      total += chunk.byteLength;
      if (total > cap) {
        this.#abandon();
        this.#disarm();
        return Promise.reject(tooLargeError());
      }
      chunks.push(chunk);
    }
    this.#disarm();
    this.#taken = true;
    // One chunk (what a small body is) as it came: a view of the socket read it arrived in, which holds
    // little more than this request and lives no longer than it. Several are joined into one new buffer.
    return Promise.resolve(chunks.length === 1 ? (chunks[0] as Uint8Array<ArrayBuffer>) : copyBytes(chunks, total));
  }

  #startStream(controller: ReadableStreamDefaultController<Uint8Array>): void {
    const { req, limit } = this;
    if (this.timedOut) return controller.error(timeoutError());
    this.#streaming = true;
    let received = 0;
    const fail = (error: Error): void => {
      try {
        controller.error(error);
      } catch {
        // already closed
      }
    };
    this.#fail = fail;
    req.on('data', (chunk: Uint8Array) => {
      if (this.#discarding) return;
      received += chunk.byteLength;
      if (received > limit) {
        this.#abandon();
        fail(tooLargeError());
        return;
      }
      controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      if ((controller.desiredSize ?? 0) <= 0) req.pause();
    });
    req.once('end', () => {
      this.#fail = undefined;
      this.#disarm();
      try {
        controller.close();
      } catch {
        // already errored
      }
    });
    req.once('error', fail);
    req.resume();
  }

  /**
   * The deadline passed with the body incomplete: stop reading and fail the
   * read (the handler answers 408, the connection closes after it); a body
   * nobody reads any more (drained after the answer, or a GET's) closes the
   * connection now.
   */
  static #expire(reader: BodyReader): void {
    reader.#timer = undefined;
    reader.#deadlineAt = Infinity;
    const { req } = reader;
    if (req.complete || req.destroyed) return;
    reader.timedOut = true;
    reader.#abandon();
    reader.#fail?.(timeoutError());
    if (reader.#discarding) req.socket.destroy();
  }

  /** The deadline `ms` from now, in place of any earlier one. No closure per request: the reader rides along as the timer's argument. */
  #arm(ms: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#deadlineAt = Date.now() + ms;
    this.#timer = setTimeout(BodyReader.#expire, ms, this);
    this.#timer.unref();
  }

  #disarm(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#deadlineAt = Infinity;
  }

  #drain(): void {
    this.#discarding = true;
    this.req.resume();
  }

  #abandon(): void {
    if (this.abandoned) return;
    this.abandoned = true;
    this.req.pause();
  }
}


function tooLargeError(): Error {
  const error = new RangeError('The request body is over the adapter limit.');
  error.name = 'BodyTooLargeError';
  return error;
}

function consumedError(): Error {
  const error = new Error(
    'The request body was already read by another middleware (e.g. express.json()) and chatq found no body it left in req.body: mount toNodeListener(handler) before the body parser, or hand over the parsed body as req.body (Fastify: req.raw.body = req.body).',
  );
  error.name = 'BodyConsumedError';
  return error;
}

function timeoutError(): Error {
  const error = new Error('The request body did not arrive within the deadline.');
  error.name = 'BodyTimeoutError';
  return error;
}
