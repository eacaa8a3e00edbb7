/**
 * The chatq messaging handler (SPEC §6): a web-standard Request → Response
 * function and the conversation store it keeps state in: what chatq/server
 * takes from the handler. The Node adapter is not here but in chatq/node
 * (../node/index.ts), so chatq/server's bundle does not depend on it.
 * Endpoints and shapes: src/identity/protocol.ts.
 *
 * Status codes (the body is always `{ error: { code, message } }`):
 * - 400 ERR_BAD_REQUEST (malformed JSON, wrong field types, bad Last-Event-ID,
 *   bad automatedUuid), ERR_MESSAGE_INVALID (clientId or body), and the
 *   verifier's malformed-input codes: ERR_JWT_MALFORMED, ERR_JWT_ALG,
 *   ERR_JWT_KID_MISSING, ERR_JWT_HEADER, ERR_JWT_EXP_MISSING,
 *   ERR_JWT_UUID_MISSING, ERR_IDENTITY_INVALID.
 * - 401 ERR_SESSION_MISSING / ERR_SESSION_INVALID / ERR_SESSION_EXPIRED,
 *   ERR_AGENT_UNAUTHORIZED, and the verifier's unacceptable-credential codes:
 *   ERR_SIGNED_IDENTITY_REQUIRED, ERR_JWT_KID_UNKNOWN, ERR_JWT_SIGNATURE,
 *   ERR_JWT_EXPIRED, ERR_JWT_EXP_TOO_SOON, ERR_JWT_NOT_YET_VALID.
 * - 403 ERR_ORIGIN_NOT_ALLOWED, ERR_SIGNED_IDENTITY_REJECTED.
 * - 404 ERR_NOT_FOUND (unknown path; the agent API without an agentToken;
 *   loader.js without a loaderScript; an unknown conversation for a reply).
 * - 405 ERR_METHOD_NOT_ALLOWED with Allow. 408 ERR_BODY_TIMEOUT (the body did not arrive
 *   within 10 s; the connection closes). 413 ERR_BODY_TOO_LARGE.
 *   415 ERR_UNSUPPORTED_MEDIA_TYPE.
 * - 429 ERR_RATE_LIMITED / ERR_TOO_MANY_STREAMS with Retry-After.
 * - 503 ERR_KEY_SOURCE with Retry-After (the key source is down, not the visitor's fault).
 * - 503 ERR_UNAVAILABLE (the engine's Redis is unreachable) and ERR_CAPACITY (the memory
 *   engine is full), both with Retry-After.
 * - 500 ERR_INTERNAL only for a bug or a failing store/verifier, never for input.
 */
import { serverEnv } from './adapter/fetch-env.js';
import { createHandler } from './create.js';
import type { MessagingHandler, MessagingHandlerOptions } from './options.js';

/**
 * Creates the chatq messaging handler (SPEC §6): a web-standard
 * `(request: Request) => Promise<Response>` serving `{basePath}/loader.js`,
 * the visitor API and, with an `agentToken`, the agent API
 * (src/identity/protocol.ts). On Node wrap it with `toNodeListener`.
 *
 * Every error is JSON `{ error: { code, message } }`; malformed input gets a
 * 4xx, never a 5xx. Call `close()` on shutdown to end open streams and timers.
 * A wrong option throws `MessagingConfigError` (`ERR_HANDLER_CONFIG`, with
 * the option's `path`) here, before anything is served.
 */
export function createMessagingHandler(options: MessagingHandlerOptions): MessagingHandler {
  // The core reads no runtime; what servers pass beside the Request is read here (adapter/node-env.ts, adapter/fetch-env.ts).
  return createHandler(options, serverEnv);
}

export { DEFAULT_LIMITS } from './options.js';
export type { HandlerLimits, MessagingHandler, MessagingHandlerOptions } from './options.js';
export type { AgentConfig, AuthenticateAgent } from './agents/config.js';
export { IDENTITY_ERROR_STATUS } from './routes/shared/identity-errors.js';
export { createMemoryStore, DEFAULT_CONVERSATION_STATE, DEFAULT_MEMORY_STORE_BOUNDS } from '../store/index.js';
export type {
  ConversationPage,
  ConversationRecord,
  ConversationState,
  ConversationStateChange,
  ConversationStore,
  ListConversationsOptions,
  ListMessagesOptions,
  MemoryStoreOptions,
  NewMessage,
  SessionRecord,
} from '../store/index.js';
export { createMemoryEngine, EngineError, isEngineError, MessagingConfigError } from '../engine/index.js';
export type { BusEvent, Engine, EngineErrorCode, LiveBus, MemoryEngineOptions, RateLimiter } from '../engine/index.js';
