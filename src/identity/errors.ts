/**
 * Stable error codes. Integrators branch on these; they travel unchanged from
 * the verifier through the HTTP handler into the widget's events (SPEC §4, §6).
 * Never rename one: add a new code instead.
 */
export type IdentityErrorCode =
  // SPEC §3 — the community configuration is refused at definition time.
  | 'ERR_COMMUNITY_INVALID'
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
 * The one error class of chatq's identity layer. `message` is written for the
 * integrator: what was wrong and what to change. It never contains a token or
 * a secret.
 */
export class IdentityError extends Error {
  override readonly name = 'IdentityError';
  readonly code: IdentityErrorCode;
  /** Where the problem is, e.g. `jwtKeys[1].secret` or `payload.exp`. */
  readonly path: string | undefined;
  /** For ERR_COMMUNITY_INVALID: every problem found, each with its path. */
  readonly problems: readonly { path: string; message: string }[];

  constructor(
    code: IdentityErrorCode,
    message: string,
    options: { path?: string; problems?: { path: string; message: string }[] } = {},
  ) {
    super(message);
    this.code = code;
    this.path = options.path;
    this.problems = options.problems ?? [];
  }
}

export function isIdentityError(value: unknown): value is IdentityError {
  return value instanceof IdentityError;
}
