import type { ErrorCode } from '../../identity/index.js';
import type { MessengerErrorCode } from '../types.js';

/**
 * JSON calls of the wire protocol (src/identity/protocol.ts). The session
 * travels only in `Authorization: Bearer` — never in a URL (SPEC §6) — and
 * no cookies are sent: the chat server is a different site.
 *
 * A script the host page runs after the widget must not pick the JWT or the
 * session up on the way (issue 9): `fetch` and `JSON.stringify` are the ones
 * captured at load, and every object that holds a credential (headers, the
 * request, its body) has a null prototype, so no setter, getter or `toJSON`
 * added to `Object.prototype` is ever called with it.
 */
const stringify = JSON.stringify;

/** A failed call. `status` 0 means the network failed (no answer). */
export class ApiError extends Error {
  // `declare` and one assignment: no field declarations in loader.js.
  declare readonly status: number;
  declare readonly code: MessengerErrorCode;
  /** Seconds, from a 429's `Retry-After`. */
  declare readonly retryAfter?: number;

  constructor(status: number, code: MessengerErrorCode, message: string, retryAfter?: number) {
    super(message);
    Object.assign(this, { status, code, retryAfter });
  }
}

export function authHeaders(session: string | undefined, json: boolean): Record<string, string> {
  const headers = { __proto__: null } as unknown as Record<string, string>;
  if (json) headers['Content-Type'] = 'application/json';
  if (session) headers.Authorization = `Bearer ${session}`;
  return headers;
}

/** Turns an error response into an ApiError with the server's code and message. */
export async function toApiError(response: Response): Promise<ApiError> {
  let code: ErrorCode = 'ERR_BAD_REQUEST';
  let message = `HTTP ${response.status}`;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code as ErrorCode;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // Not the JSON error shape (a proxy's page): keep the generic message.
  }
  // No header: +null is 0, which the bound below refuses like any non-positive or non-finite value.
  const retry = +response.headers.get('Retry-After')!;
  return new ApiError(response.status, code, message, retry > 0 && retry < Infinity ? retry : undefined);
}

export class Api {
  // `declare` and one assignment: no field declaration in loader.js.
  declare readonly base: string;

  constructor(base: string) {
    this.base = base;
  }

  /**
   * `fetch` as it was when the widget started: a wrapper the host page installs later
   * (analytics, error trackers) never sees a JWT in a request body.
   */
  readonly #fetch = fetch.bind(globalThis);

  /**
   * A raw request, for the stream. `referrerPolicy: 'origin'` whatever the page's own
   * policy: its URL (a query may hold a reset token) never reaches the chat server (SPEC §6).
   */
  request(path: string, init: RequestInit): Promise<Response> {
    return this.#fetch(this.base + path, {
      __proto__: null,
      ...init,
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'origin',
    } as RequestInit);
  }

  /**
   * `{method} {base}{path}` with the session (if any) and a JSON body (if any), the route named at
   * the call (`POST /v1/identity`, `GET /v1/policy`, `GET /v1/conversation`, `POST /v1/page`, the panel's
   * `POST /v1/messages`, `/v1/typing`, `/v1/read`, `/v1/email`, `DELETE /v1/session`): a method per route costs every host page bytes.
   */
  async call<T = void>(method: 'GET' | 'POST' | 'DELETE', path: string, session?: string, body?: object): Promise<T> {
    let response: Response;
    try {
      response = await this.request(path, {
        method,
        headers: authHeaders(session, body !== undefined),
        ...(body !== undefined && { body: stringify({ __proto__: null, ...body }) }),
        // A logout must reach the server even when the page is being left.
        keepalive: method === 'DELETE',
      });
    } catch {
      throw new ApiError(0, 'ERR_NETWORK', 'Server unreachable.');
    }
    if (!response.ok) throw await toApiError(response);
    if (response.status === 204) return undefined as T;
    try {
      return (await response.json()) as T;
    } catch {
      throw new ApiError(response.status, 'ERR_BAD_REQUEST', 'Bad JSON.');
    }
  }
}
