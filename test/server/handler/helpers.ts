/**
 * Test kit for the messaging handler: a verifier double, Request builders and
 * an SSE reader that parses the stream the way the widget does.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { IdentityError, type IdentityVerifier, type VerifiedIdentity, type VerifyInput } from '../../../src/identity/index.js';
import { createMessagingHandler, type MessagingHandler, type MessagingHandlerOptions } from '../../../src/server/handler/index.js';

export const BASE = 'https://chat.test';
export const HOST_ORIGIN = 'https://shop.test';
export const AGENT_TOKEN = 'agent-secret-token-0123456789-abcdef';

/** A JWT stand-in the double understands: `fake.<uuid>.<exp ms>`. */
export function fakeJwt(uuid: string, expiresAtMs = Date.now() + 3_600_000): string {
  return `fake.${uuid}.${expiresAtMs}`;
}

/** 22+ random base64url characters, like the widget's automated uuid. */
export function automatedUuid(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64url');
}

/**
 * A verifier double: `fake.<uuid>.<exp>` is a valid signed identity, a token
 * named after an identity error code (`ERR_JWT_EXPIRED`) throws that error,
 * unsigned data with a uuid is `unsigned`, anything else `automated`.
 */
export function verifierDouble(): IdentityVerifier & { calls: VerifyInput[] } {
  const calls: VerifyInput[] = [];
  return {
    calls,
    policy: { mode: 'accept', minTokenLifetime: 0, clockTolerance: 0 },
    async verify(input) {
      calls.push(input);
      if (typeof input.jwt === 'string' && input.jwt.startsWith('ERR_')) {
        throw new IdentityError(input.jwt as never, `double says ${input.jwt}`);
      }
      if (input.jwt !== undefined) {
        const match = typeof input.jwt === 'string' ? /^fake\.([^.]+)\.(\d+)$/.exec(input.jwt) : null;
        if (!match) throw new IdentityError('ERR_JWT_MALFORMED', 'not a fake token');
        return identity({ uuid: match[1]!, uuidSource: 'jwt', signed: true, kid: 'test_key', expiresAt: Number(match[2]) });
      }
      const data = (input.identity ?? {}) as { uuid?: string; firstname?: string };
      if (typeof data.uuid === 'string') {
        return identity({ uuid: data.uuid, uuidSource: 'unsigned', signed: false, fields: data.firstname ? { firstname: data.firstname } : {} });
      }
      const uuid = typeof input.automatedUuid === 'string' ? input.automatedUuid : automatedUuid();
      return identity({ uuid, uuidSource: 'automated', signed: false });
    },
  };
}

function identity(partial: Partial<VerifiedIdentity> & Pick<VerifiedIdentity, 'uuid' | 'uuidSource' | 'signed'>): VerifiedIdentity {
  return {
    fields: {},
    customFields: { crm_id: 'CRM-1' },
    extraValues: { plan: 'gold' },
    warnings: [],
    ...partial,
  };
}

export function makeHandler(options: Partial<MessagingHandlerOptions> = {}): MessagingHandler {
  return createMessagingHandler({
    verifier: verifierDouble(),
    allowedOrigins: [HOST_ORIGIN],
    agentToken: AGENT_TOKEN,
    logger: { warn() {} },
    ...options,
  });
}

interface RequestOptions {
  method?: string;
  body?: unknown;
  session?: string;
  headers?: Record<string, string>;
  origin?: string | null;
}

/** A browser-like request from the host page's origin. */
export function req(path: string, options: RequestOptions = {}): Request {
  const headers = new Headers(options.headers);
  if (options.origin !== null) headers.set('Origin', options.origin ?? HOST_ORIGIN);
  if (options.session !== undefined) headers.set('Authorization', `Bearer ${options.session}`);
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    if (!headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  }
  return new Request(`${BASE}${path}`, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
}

export async function json<T = any>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** Registers and returns the RegisterResponse. */
export async function register(handler: MessagingHandler, body: object = { automatedUuid: automatedUuid() }, session?: string) {
  const response = await handler(req('/v1/identity', { body, ...(session ? { session } : {}) }));
  if (response.status !== 200) throw new Error(`register failed: ${response.status} ${await response.text()}`);
  return json(response);
}

let clientIdCounter = 0;
export function clientId(): string {
  return `cid_${Date.now().toString(36)}_${++clientIdCounter}`;
}

export async function send(handler: MessagingHandler, session: string, body: string, id = clientId()) {
  return handler(req('/v1/messages', { session, body: { clientId: id, body } }));
}

export function agentReq(path: string, options: RequestOptions = {}): Request {
  // No Origin by default: a server-side caller. State-changing agent routes refuse other origins (SPEC §11).
  return req(path, { origin: null, ...options, headers: { Authorization: `Bearer ${AGENT_TOKEN}`, ...options.headers } });
}

export interface SseEvent {
  event: string;
  data: any;
  id?: string;
}

/** Reads an SSE body incrementally; `comments` collects comment lines (heartbeats). */
export class SseReader {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  raw = '';
  done = false;
  private buffer = '';
  private waiters: (() => void)[] = [];
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;

  constructor(response: Response) {
    this.reader = response.body!.getReader();
    void this.loop();
  }

  private async loop(): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await this.reader.read();
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        this.raw += text;
        this.buffer += text;
        let index: number;
        while ((index = this.buffer.indexOf('\n\n')) >= 0) {
          this.parse(this.buffer.slice(0, index));
          this.buffer = this.buffer.slice(index + 2);
        }
        this.notify();
      }
    } catch {
      // cancelled
    }
    this.done = true;
    this.notify();
  }

  private parse(block: string): void {
    const event: Partial<SseEvent> & { dataLines: string[] } = { dataLines: [] };
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('event: ')) event.event = line.slice(7);
      else if (line.startsWith('id: ')) event.id = line.slice(4);
      else if (line.startsWith('data: ')) event.dataLines.push(line.slice(6));
    }
    if (event.event) this.events.push({ event: event.event, data: JSON.parse(event.dataLines.join('\n')), ...(event.id ? { id: event.id } : {}) });
  }

  private notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Resolves when `predicate` holds (re-checked on every chunk), rejects after `timeoutMs`. */
  async until(predicate: (reader: this) => boolean, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (this.done) throw new Error(`stream ended first; events: ${JSON.stringify(this.events.map((e) => e.event))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; events: ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  messages(): any[] {
    return this.events.filter((e) => e.event === 'message').map((e) => e.data.message);
  }

  cancel(): Promise<void> {
    return this.reader.cancel();
  }
}

/** Waits for the stream to end (or throws after timeoutMs). */
export async function ended(reader: SseReader, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!reader.done) {
    if (Date.now() > deadline) throw new Error('stream did not end');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A `makeHandler` whose handlers are closed after each test of the file that calls this. */
export function useHandlers(): (options?: Parameters<typeof makeHandler>[0]) => MessagingHandler {
  const handlers: MessagingHandler[] = [];
  afterEach(() => {
    for (const handler of handlers.splice(0)) handler.close();
  });
  return (options = {}) => {
    const handler = makeHandler(options);
    handlers.push(handler);
    return handler;
  };
}

/** A node:http server for `listener` on 127.0.0.1 and a free port; `close` ends its connections too. */
export async function listenOnLoopback(
  listener: Parameters<typeof createServer>[1],
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
