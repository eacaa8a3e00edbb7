/**
 * The configuration error of chatq's messaging side, one class with a stable
 * `code` as jose has per domain: an option of createMessagingHandler,
 * toNodeListener, createMemoryEngine, createMemoryStore or createRedisEngine
 * that cannot work. Thrown when the thing is created — an integrator's
 * mistake found at start-up, never an answer to a request. The community and
 * the verifier have theirs: defineCommunity and createVerifier throw
 * `IdentityError` with `ERR_COMMUNITY_INVALID`, and the same `path` and
 * `problems`.
 *
 * A TypeError, as these errors were before it existed: `instanceof TypeError`
 * and `toThrow(TypeError)` still hold. Defined here, beside EngineError,
 * because the stores, the engines and the handler all import this folder.
 */
export class MessagingConfigError extends TypeError {
  override readonly name = 'MessagingConfigError';
  readonly code = 'ERR_HANDLER_CONFIG' as const;
  /** The option that is wrong, e.g. `limits.maxBodyBytes`, `allowedOrigins[1]`, `retention.conversationIdleMs`. */
  readonly path: string;
  /** The problem as a list with its path, the shape of IdentityError's `problems` (the first problem found: one). */
  readonly problems: readonly { path: string; message: string }[];

  /** `problems`, when given, lists every problem found (e.g. each wrong field of `agents`); `path` is the first's. */
  constructor(path: string, message: string, problems?: readonly { path: string; message: string }[]) {
    super(message);
    this.path = path;
    this.problems = problems !== undefined && problems.length > 0 ? problems : [{ path, message }];
  }
}
