import type { IncomingMessage } from 'node:http';

/**
 * Bodies announced at or under this size are read whole before the Request is
 * built, and the bytes are handed to the handler beside it (request-hints.ts):
 * reading a body back through undici's web stream cost more CPU than the whole
 * message route. Chat bodies are small; larger or unannounced bodies stream,
 * under the cap.
 */
const BUFFER_BODY_BYTES = 64 * 1024;

/**
 * The IncomingMessage as a web stream with backpressure (pause/resume). Past
 * `limit` bytes, or when the handler stops reading, it stops consuming and marks
 * the request abandoned so the connection is closed after the answer (an
 * unread body must not be drained into the next request on the connection).
 */
export class BodyReader {
  abandoned = false;
  private discarding = false;
  constructor(
    private readonly req: IncomingMessage,
    private readonly limit: number,
  ) {}

  stream(): ReadableStream<Uint8Array> {
    const { req, limit } = this;
    let received = 0;
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        req.pause();
        req.on('data', (chunk: Uint8Array) => {
          if (this.discarding) return;
          received += chunk.byteLength;
          if (received > limit) {
            this.abandon();
            const error = new RangeError('The request body is over the adapter limit.');
            error.name = 'BodyTooLargeError';
            controller.error(error);
            return;
          }
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once('end', () => {
          try {
            controller.close();
          } catch {
            // already errored
          }
        });
        req.once('error', (error) => {
          try {
            controller.error(error);
          } catch {
            // already closed
          }
        });
      },
      pull: () => {
        if (!this.abandoned) req.resume();
      },
      cancel: () => this.abandon(),
    });
  }

  /**
   * No body at all (RFC 9112 §6.3: neither Content-Length nor
   * Transfer-Encoding, or a zero length): a CORS preflight, a DELETE.
   */
  isAbsent(): boolean {
    const { headers } = this.req;
    return headers['transfer-encoding'] === undefined && (headers['content-length'] === undefined || headers['content-length'] === '0');
  }

  /** A body with a Content-Length small enough to read whole first. */
  isSmall(): boolean {
    const method = this.req.method;
    if (method === 'GET' || method === 'HEAD') return false;
    const declared = this.req.headers['content-length'];
    return declared !== undefined && /^\d+$/.test(declared) && Number(declared) <= Math.min(BUFFER_BODY_BYTES, this.limit);
  }

  /** Reads a small announced body whole (isSmall); rejects if the client goes away first. */
  readAll(): Promise<Uint8Array<ArrayBuffer>> {
    const { req } = this;
    return new Promise((resolve, reject) => {
      const chunks: Uint8Array[] = [];
      let total = 0;
      req.on('data', (chunk: Uint8Array) => {
        total += chunk.byteLength;
        // A client that sends more than it announced: node's parser stops at Content-Length, so this cannot grow.
        chunks.push(chunk);
      });
      req.once('end', () => {
        const bytes = new Uint8Array(total);
        let offset = 0;
        for (const chunk of chunks) {
          bytes.set(chunk, offset);
          offset += chunk.byteLength;
        }
        resolve(bytes);
      });
      req.once('error', reject);
      req.once('close', () => {
        if (!req.readableEnded) reject(new Error('client went away'));
      });
    });
  }

  /** GET and HEAD: a body, if any, is not ours to read. */
  discard(): void {
    if (this.req.readableEnded) return;
    this.req.resume();
  }

  /**
   * After the handler answered: a body it left unread is drained when it is
   * announced as small, else the connection must close. Returns whether the
   * connection can be kept alive.
   */
  settle(): boolean {
    if (this.abandoned) return false;
    if (this.req.readableEnded) return true;
    // Everything the client sent has arrived (or there was no body): drain what is left, keep the connection.
    if (this.req.complete) {
      this.discarding = true;
      this.req.resume();
      return true;
    }
    const declared = this.req.headers['content-length'];
    if (declared === undefined || !/^\d+$/.test(declared) || Number(declared) > this.limit) {
      this.abandon();
      return false;
    }
    this.discarding = true;
    this.req.resume();
    return true;
  }

  private abandon(): void {
    if (this.abandoned) return;
    this.abandoned = true;
    this.req.pause();
  }
}
