import type { ErrorCode } from '../../../identity/index.js';
import { rawResponse } from './raw-response.js';

/**
 * The handler's codes: every stable ErrorCode (ProtocolErrorCode includes
 * ERR_INTERNAL, the 500 of an unexpected exception). Kept as an alias for
 * existing imports.
 */
export type HandlerErrorCode = ErrorCode;

/**
 * The handler's error, one of chatq's three error classes — one per domain,
 * each with a stable `code`, as jose does: `IdentityError` (the verifier,
 * src/identity), `EngineError` (the engine: 503 with Retry-After) and this one,
 * which adds the HTTP status. Thrown anywhere below the router; turned into
 * `{ error: { code, message } }`. Anything else that reaches the router is a
 * bug: 500 ERR_INTERNAL, logged without request data (create.ts).
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };

/**
 * A JSON response. API answers carry personal data, so nothing caches them.
 * A raw response (raw-response.ts): a Response everywhere, written straight to
 * the socket by toNodeListener.
 */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return rawResponse(status, JSON.stringify(body), { ...JSON_HEADERS, ...headers });
}

export function errorResponse(error: HttpError): Response {
  return jsonResponse(error.status, { error: { code: error.code, message: error.message } }, { ...error.headers });
}

export function emptyResponse(status = 204, headers: Record<string, string> = {}): Response {
  return rawResponse(status, null, { 'Cache-Control': 'no-store', ...headers });
}
