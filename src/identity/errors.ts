/**
 * chatq's one error family (issue 21 item 3): one base class, `ChatqError`,
 * with a `code` from one union, `ChatqErrorCode`. Integrators branch on the
 * code; the codes that travel over HTTP (`ErrorCode`, protocol.ts) reach the
 * widget's events unchanged (SPEC §4, §6). Never rename a code: add a new one.
 *
 * One rule for configuration errors (ERR_COMMUNITY_INVALID,
 * ERR_VERIFIER_CONFIG, ERR_HANDLER_CONFIG): `problems` lists EVERY problem
 * found, each with its path and code, and `path` is the first one's.
 *
 * Defined here, in the identity model both sides import, so that the
 * server's folders (store/, engine/, handler/, verifier/) each import errors
 * from below them and never from each other.
 */

/** The verifier's and the community's codes. */
export type IdentityErrorCode =
  // SPEC §3 — the community configuration is refused at definition time.
  | 'ERR_COMMUNITY_INVALID'
  // An option of createVerifier or a key source (not the community) cannot work: refused at creation.
  | 'ERR_VERIFIER_CONFIG'
  // SPEC §4 step 1 — mode.
  | 'ERR_SIGNED_IDENTITY_REQUIRED'
  | 'ERR_SIGNED_IDENTITY_REJECTED'
  // SPEC §4 steps 2–5 — the token.
  | 'ERR_JWT_MALFORMED'
  | 'ERR_JWT_ALG'
  | 'ERR_JWT_KID_MISSING'
  | 'ERR_JWT_KID_UNKNOWN'
  | 'ERR_JWT_HEADER'
  | 'ERR_JWT_SIGNATURE'
  | 'ERR_JWT_EXP_MISSING'
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_EXP_TOO_SOON'
  | 'ERR_JWT_NOT_YET_VALID'
  | 'ERR_JWT_UUID_MISSING'
  // SPEC §4 step 6 — the identity data.
  | 'ERR_IDENTITY_INVALID'
  // A key source could not produce keys (e.g. a JWKS endpoint is down).
  | 'ERR_KEY_SOURCE'
  // The verifier failed in a way no input explains (a bug): never the caller's fault. The handler answers 500.
  | 'ERR_INTERNAL';

/**
 * Codes of the HTTP handler (SPEC §6): part of the wire contract, because the
 * widget branches on them (ERR_SESSION_EXPIRED, ERR_RATE_LIMITED…). Which
 * HTTP status each one travels with is the handler's business
 * (src/server/handler). Same `{ code, message }` shape on the wire as the
 * identity codes. Never rename one: add a new code instead.
 */
export type ProtocolErrorCode =
  | 'ERR_BAD_REQUEST'
  | 'ERR_BODY_TOO_LARGE'
  | 'ERR_BODY_TIMEOUT'
  | 'ERR_UNSUPPORTED_MEDIA_TYPE'
  | 'ERR_NOT_FOUND'
  | 'ERR_METHOD_NOT_ALLOWED'
  | 'ERR_ORIGIN_NOT_ALLOWED'
  | 'ERR_SESSION_MISSING'
  | 'ERR_SESSION_INVALID'
  | 'ERR_SESSION_EXPIRED'
  | 'ERR_MESSAGE_INVALID'
  | 'ERR_TOO_MANY_STREAMS'
  | 'ERR_RATE_LIMITED'
  | 'ERR_AGENT_UNAUTHORIZED'
  // 503 + Retry-After: the engine is unreachable (SPEC §8) or full (SPEC §6 "Bounds").
  | 'ERR_UNAVAILABLE'
  | 'ERR_CAPACITY'
  // 503 + Retry-After: a write may or may not have been stored (the engine did not answer in time);
  // retrying with the same clientId is safe and never duplicates (SPEC §6 idempotency).
  | 'ERR_OUTCOME_UNKNOWN'
  // 500: a bug or a failing store — never the answer to bad input.
  | 'ERR_INTERNAL';

/**
 * The engine's run-time codes. They are protocol codes on purpose, not a
 * second vocabulary: the handler sends an EngineError's code over HTTP as it
 * is, with 503 and Retry-After (ENGINE_ERROR_STATUS in src/server/errors.ts).
 */
export type EngineErrorCode = Extract<ProtocolErrorCode, 'ERR_UNAVAILABLE' | 'ERR_CAPACITY' | 'ERR_OUTCOME_UNKNOWN'>;

/** An option of the messaging side (handler, Node adapter, engines, stores, webhooks) cannot work. Never on the wire. */
export type HandlerConfigErrorCode = 'ERR_HANDLER_CONFIG';

/** Every code chatq throws: the one union. */
export type ChatqErrorCode = IdentityErrorCode | ProtocolErrorCode | HandlerConfigErrorCode;

/** One configuration problem: where, which code, and what to change. */
export interface ConfigProblem {
  /** Where the problem is, e.g. `jwtKeys[1].secret`, `limits.maxBodyBytes`, `allowedOrigins[1]`. */
  path: string;
  code: ChatqErrorCode;
  message: string;
}

/**
 * The base class of every chatq error. `message` is written for the
 * integrator: what was wrong and what to change. It never contains a token or
 * a secret.
 */
export class ChatqError extends Error {
  override name: string = 'ChatqError';
  readonly code: ChatqErrorCode;
  /** Where the problem is, e.g. `jwtKeys[1].secret` or `payload.exp`; a configuration error's first problem. */
  readonly path: string | undefined;
  /** For a configuration error: every problem found, each with its path. Else empty. */
  readonly problems: readonly ConfigProblem[];

  constructor(code: ChatqErrorCode, message: string, options: { path?: string; problems?: readonly Omit<ConfigProblem, 'code'>[] } = {}) {
    super(message);
    this.code = code;
    this.path = options.path ?? options.problems?.[0]?.path;
    this.problems = (options.problems ?? []).map((problem) => ({ path: problem.path, code, message: problem.message }));
  }
}

/**
 * The error of chatq's identity layer: the community, the verifier and its
 * key sources.
 */
export class IdentityError extends ChatqError {
  override name = 'IdentityError';
  declare readonly code: IdentityErrorCode;

  constructor(code: IdentityErrorCode, message: string, options: { path?: string; problems?: readonly Omit<ConfigProblem, 'code'>[] } = {}) {
    super(code, message, options);
  }
}

export function isIdentityError(value: unknown): value is IdentityError {
  return value instanceof IdentityError;
}

export function isChatqError(value: unknown): value is ChatqError {
  return value instanceof ChatqError;
}

/**
 * The one message of a configuration error: the problem itself when there is
 * one, else `<what> has N problems:` and one line per problem with its path.
 */
export function describeProblems(what: string, problems: readonly Omit<ConfigProblem, 'code'>[]): string {
  if (problems.length === 1) return problems[0]!.message;
  const lines = problems.map((problem) => `  - ${problem.path}: ${problem.message}`);
  return `${what} has ${problems.length} problems:\n${lines.join('\n')}`;
}
