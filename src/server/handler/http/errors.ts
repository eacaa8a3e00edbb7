import { ChatqError, type ErrorCode } from '../../../identity/index.js';
import { jsonReply, type Reply } from './reply.js';

/**
 * The handler's codes: every stable ErrorCode (ProtocolErrorCode includes
 * ERR_INTERNAL, the 500 of an unexpected exception). Kept as an alias for
 * existing imports.
 */
export type HandlerErrorCode = ErrorCode;

/**
 * chatq's errors are one family under `ChatqError` (src/identity/errors.ts),
 * each with a stable `code`: `IdentityError` (the community and the verifier;
 * ERR_COMMUNITY_INVALID and ERR_VERIFIER_CONFIG for their configuration),
 * `MessagingConfigError` (ERR_HANDLER_CONFIG: an option of the handler, its
 * adapter, an engine or a store, at start-up), `EngineError` (the engine at
 * run time: ENGINE_ERROR_STATUS, 503 with Retry-After, src/server/errors.ts),
 * and this one, the request's fault or refusal with its HTTP status, which
 * never leaves the handler. Thrown anywhere below the
 * router, it becomes `{ error: { code, message } }`, and an IdentityError
 * becomes one through IDENTITY_ERROR_STATUS. Anything else that reaches the
 * router — a bug, or a verifier's ERR_INTERNAL — is 500 ERR_INTERNAL, logged
 * without request data and never worded as the caller's fault (create.ts).
 */
export class HttpError extends ChatqError {
  override name = 'HttpError';
  declare readonly code: ErrorCode;

  constructor(
    readonly status: number,
    code: ErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(code, message);
  }
}

/** The JSON error shape `{ error: { code, message } }` with the error's status and headers. */
export function errorReply(error: HttpError): Reply {
  return jsonReply(error.status, { error: { code: error.code, message: error.message } }, error.headers);
}
