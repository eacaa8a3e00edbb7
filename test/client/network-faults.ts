/**
 * What the network between the widget and the chat server can do to a
 * request, scripted by a test (real-server.ts puts it in front of the real
 * handler): nothing answers (offline, `'network'`), something in front of
 * the server answers instead (a load balancer's 503, a server older than an
 * endpoint), the answer is lost on the way back (`'answer-lost'`), the
 * request is slow (`hold`), or an open stream's connection drops.
 */

/** What a test makes the network or a proxy do to a request instead of the handler's answer. */
export type Fault =
  /** This JSON error answers instead, readable by the page (a proxy that sends CORS headers); the handler never sees the request. */
  | { status: number; code: string; retryAfter?: number }
  /** No answer at all: the request never reached the server. */
  | 'network'
  /** The handler did the work, but its answer was lost on the way back. */
  | 'answer-lost';

/** A stream response the widget is reading, as the network carries it. */
export interface OpenStream {
  /** The session it was opened with (from its Authorization header). */
  session: string;
  lastEventId: string | undefined;
  /** The connection drops (a proxy, a sleeping laptop): the widget's read fails, the handler sees its client go. */
  drop(): void;
  /**
   * SSE text put into the response after what the handler sent so far, for events this
   * handler does not send yet (the epoch `reset` of protocol.ts, SPEC §8).
   */
  inject(text: string): void;
}

/** What happens to a request before it reaches the handler: `pass` goes on (`lost`: its answer will not come back). */
export type Departure = { pass: true; lost: boolean } | { pass: false; answer: Response };

export function createNetwork() {
  const faults = new Map<string, { fault: Fault; left: number }[]>();
  const holds = new Map<string, Promise<void>>();
  const streams: OpenStream[] = [];
  const state = { offline: false };

  function nextFault(path: string): Fault | undefined {
    const list = faults.get(path);
    const first = list?.[0];
    if (!first) return undefined;
    if (--first.left <= 0) list!.shift();
    return first.fault;
  }

  return {
    state,
    streams: streams as readonly OpenStream[],

    fail(path: string, fault: Fault, times = 1): void {
      faults.set(path, [...(faults.get(path) ?? []), { fault, left: times }]);
    },

    hold(path: string): () => void {
      let release!: () => void;
      holds.set(path, new Promise<void>((resolve) => (release = resolve)));
      return () => {
        holds.delete(path);
        release();
      };
    },

    dropStreams(): void {
      for (const stream of [...streams]) stream.drop();
    },

    /** Waits while `path` is held; throws the browser's network error when nothing answers. */
    async depart(path: string, signal: AbortSignal | null | undefined): Promise<Departure> {
      const held = holds.get(path);
      if (held) await abortable(held, signal);
      if (state.offline) throw new TypeError('Failed to fetch');
      const fault = nextFault(path);
      if (fault === 'network') throw new TypeError('Failed to fetch');
      if (fault === undefined || fault === 'answer-lost') return { pass: true, lost: fault === 'answer-lost' };
      return { pass: false, answer: errorAnswer(fault) };
    },

    /** Carries a stream's bytes to the page until the test (`drop`) or the page (abort) ends the connection. */
    carry(upstream: ReadableStream<Uint8Array>, session: string, lastEventId: string | undefined, signal: AbortSignal | null | undefined): ReadableStream<Uint8Array> {
      const reader = upstream.getReader();
      let controller!: ReadableStreamDefaultController<Uint8Array>;
      const forget = (): void => {
        const index = streams.indexOf(entry);
        if (index >= 0) streams.splice(index, 1);
      };
      const cut = (reason: unknown): void => {
        forget();
        try {
          controller.error(reason);
        } catch {
          // already ended
        }
        reader.cancel().catch(() => {});
      };
      const entry: OpenStream = {
        session,
        lastEventId,
        drop: () => cut(new TypeError('network error')),
        inject: (text) => controller.enqueue(new TextEncoder().encode(text)),
      };
      signal?.addEventListener('abort', () => cut(new DOMException('The operation was aborted.', 'AbortError')));
      streams.push(entry);
      return new ReadableStream<Uint8Array>({
        start: (c) => void (controller = c),
        async pull(c) {
          try {
            const { done, value } = await reader.read();
            if (!done) return c.enqueue(value);
            forget();
            c.close();
          } catch {
            // cut() has errored it already
          }
        },
        cancel: () => {
          forget();
          return reader.cancel();
        },
      });
    },
  };
}

export type Network = ReturnType<typeof createNetwork>;

function errorAnswer(fault: { status: number; code: string; retryAfter?: number }): Response {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
  return new Response(JSON.stringify({ error: { code: fault.code, message: `scripted ${fault.code}` } }), { status: fault.status, headers });
}

/** A slow request the page gives up on rejects as an aborted fetch does. */
function abortable(promise: Promise<void>, signal: AbortSignal | null | undefined): Promise<void> {
  if (!signal) return promise;
  return new Promise<void>((resolve, reject) => {
    const abort = (): void => reject(new DOMException('The operation was aborted.', 'AbortError'));
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    void promise.then(resolve);
  });
}
