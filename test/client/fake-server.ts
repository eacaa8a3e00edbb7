/**
 * A small in-test fake of the chatq handler (src/identity/protocol.ts), served
 * through a mocked `fetch`. It records every request so tests can check
 * headers and URLs, and lets tests push stream events and script failures.
 */
import { vi } from 'vitest';
import type { ChatMessage, IdentityPolicy, RegisterRequest, RegisterResponse, StreamEvent } from '../../src/identity/index.js';

export const BASE = 'https://chat.example.test/chatq';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface FakeServerOptions {
  policy?: IdentityPolicy;
  /** Server clock minus the test's clock, ms. */
  skew?: number;
  /** Stream visitor messages too (default true); false isolates tab sync in tests. */
  streamVisitor?: boolean;
  /**
   * How `GET /v1/policy` answers: `'answer'` (default) the policy, `'silent'`
   * 200 without one (a verifier that does not publish it), `'missing'` 404 (a
   * server older than the endpoint).
   */
  policyEndpoint?: 'answer' | 'silent' | 'missing';
}

function payloadOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function fakeServer(options: FakeServerOptions = {}) {
  const policy: IdentityPolicy = options.policy ?? { mode: 'require', minTokenLifetime: 3600, clockTolerance: 10 };
  const requests: RecordedRequest[] = [];
  const messages = new Map<string, ChatMessage[]>();
  const sessions = new Map<string, { uuid: string; conversationId: string }>();
  const streams: { session: string; lastEventId: string | undefined; controller: ReadableStreamDefaultController<Uint8Array> }[] = [];
  /** Next answers to force, by path: a status and an error code (and Retry-After). */
  const failures: Record<string, { status: number; code: string; retryAfter?: number }[]> = {};
  let counter = 0;
  /** While set, `GET /v1/policy` waits for it (a slow first answer). */
  let policyHeld: Promise<void> | undefined;
  const encoder = new TextEncoder();
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json', ...headers },
    });
  const error = (status: number, code: string, headers: Record<string, string> = {}) =>
    json(status, { error: { code, message: `fake ${code}` } }, headers);
  const conversationOf = (uuid: string) => `c-${uuid}`;

  function register(body: RegisterRequest, auth: string | undefined): Response {
    let uuid: string;
    let signed = false;
    let expiresAt: number | undefined;
    const fields: Record<string, string> = {};
    if (body.jwt) {
      if (policy.mode === 'reject') return error(400, 'ERR_SIGNED_IDENTITY_REJECTED');
      const payload = payloadOf(body.jwt);
      const now = Date.now() + (options.skew ?? 0);
      if (typeof payload.exp !== 'number') return error(400, 'ERR_JWT_EXP_MISSING');
      if (payload.exp * 1000 < now) return error(400, 'ERR_JWT_EXPIRED');
      if (typeof payload.uuid !== 'string') return error(400, 'ERR_JWT_UUID_MISSING');
      uuid = payload.uuid;
      signed = true;
      expiresAt = payload.exp * 1000;
      for (const key of ['firstname', 'screenname']) if (typeof payload[key] === 'string') fields[key] = payload[key] as string;
    } else {
      if (policy.mode === 'require') return error(400, 'ERR_SIGNED_IDENTITY_REQUIRED');
      const data = (body.identity ?? {}) as Record<string, unknown>;
      uuid = typeof data.uuid === 'string' ? `unsigned:${data.uuid}` : `auto:${body.automatedUuid}`;
      for (const key of ['firstname', 'screenname']) if (typeof data[key] === 'string') fields[key] = data[key] as string;
    }
    const previous = auth ? sessions.get(auth) : undefined;
    const session = previous && previous.uuid === uuid ? auth! : `s${++counter}`;
    sessions.set(session, { uuid, conversationId: conversationOf(uuid) });
    const answer: RegisterResponse = {
      session,
      conversationId: conversationOf(uuid),
      identity: { uuid, uuidSource: signed ? 'jwt' : 'automated', signed, fields, warnings: [] },
      ...(expiresAt !== undefined && { expiresAt }),
      serverTime: Date.now() + (options.skew ?? 0),
      // A verifier that does not publish its policy: the real handler omits it here too.
      ...(options.policyEndpoint !== 'silent' && { policy }),
    };
    return json(200, answer);
  }

  function push(conversationId: string, message: Omit<ChatMessage, 'seq' | 'id' | 'createdAt'> & { id?: string }): ChatMessage {
    const list = messages.get(conversationId) ?? [];
    messages.set(conversationId, list);
    const full: ChatMessage = { id: message.id ?? `m${list.length + 1}`, seq: list.length + 1, createdAt: Date.now(), ...message };
    list.push(full);
    if (message.author === 'visitor' && options.streamVisitor === false) return full;
    for (const stream of streams) {
      if (sessions.get(stream.session)?.conversationId === conversationId) {
        sendEvent(stream.controller, { type: 'message', message: full }, full.seq);
      }
    }
    return full;
  }

  function sendEvent(controller: ReadableStreamDefaultController<Uint8Array>, event: StreamEvent, id?: number): void {
    try {
      controller.enqueue(encoder.encode(`${id ? `id: ${id}\n` : ''}event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`));
    } catch {
      // closed
    }
  }

  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    const headers = { ...(init.headers as Record<string, string>) };
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    const method = init.method ?? 'GET';
    requests.push({ method, url, headers, body });
    if (!url.startsWith(BASE)) throw new TypeError('Failed to fetch');
    const path = url.slice(BASE.length);
    const forced = failures[path]?.shift();
    if (forced) {
      return error(forced.status, forced.code, forced.retryAfter ? { 'Retry-After': String(forced.retryAfter) } : {});
    }
    const auth = headers.Authorization?.replace(/^Bearer /, '');
    if (path === '/v1/policy' && method === 'GET') {
      const endpoint = options.policyEndpoint ?? 'answer';
      if (endpoint === 'missing') return error(404, 'ERR_NOT_FOUND');
      await policyHeld;
      return json(200, { ...(endpoint === 'answer' && { policy }), serverTime: Date.now() + (options.skew ?? 0) });
    }
    if (path === '/v1/identity' && method === 'POST') return register(body, auth);
    const session = auth ? sessions.get(auth) : undefined;
    if (!session) return error(401, 'ERR_SESSION_INVALID');
    if (path === '/v1/conversation') return json(200, { conversationId: session.conversationId, messages: messages.get(session.conversationId) ?? [] });
    if (path === '/v1/messages' && method === 'POST') {
      const existing = (messages.get(session.conversationId) ?? []).find((m) => m.clientId === body.clientId);
      return json(200, { message: existing ?? push(session.conversationId, { author: 'visitor', body: body.body, clientId: body.clientId }) });
    }
    if (path === '/v1/page' || path === '/v1/session') {
      if (path === '/v1/session') sessions.delete(auth!);
      return new Response(null, { status: 204 });
    }
    if (path === '/v1/stream') {
      let entry: (typeof streams)[number] | undefined;
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          entry = { session: auth!, lastEventId: headers['Last-Event-ID'], controller };
          streams.push(entry);
          controller.enqueue(encoder.encode(': hello\n\n'));
        },
        cancel() {
          streams.splice(streams.indexOf(entry!), 1);
        },
      });
      init.signal?.addEventListener('abort', () => {
        const index = streams.indexOf(entry!);
        if (index >= 0) streams.splice(index, 1);
        try {
          entry!.controller.error(new DOMException('aborted', 'AbortError'));
        } catch {
          // already closed
        }
      });
      return new Response(stream, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
    }
    return error(404, 'ERR_NOT_FOUND');
  });

  return {
    fetch: fetchMock,
    requests,
    messages,
    sessions,
    streams,
    failures,
    policy,
    /** An agent reply into the conversation of `uuid`, streamed to its open streams. */
    agentSays(conversationId: string, body: string): ChatMessage {
      return push(conversationId, { author: 'agent', body });
    },
    expireStreams(): void {
      for (const s of streams) sendEvent(s.controller, { type: 'session_expired', code: 'ERR_SESSION_EXPIRED', message: 'expired' });
    },
    /** Holds the next policy answers until the returned function is called. */
    holdPolicy(): () => void {
      let release!: () => void;
      policyHeld = new Promise<void>((resolve) => (release = resolve));
      return () => {
        policyHeld = undefined;
        release();
      };
    },
    fail(path: string, status: number, code: string, retryAfter?: number): void {
      (failures[path] ??= []).push({ status, code, ...(retryAfter !== undefined && { retryAfter }) });
    },
  };
}

/** Lets pending promises and zero-delay timers run (fake timers). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await vi.advanceTimersByTimeAsync(0);
}
