import type { SessionRecord } from '../store/index.js';
import type { HandlerContext } from './context.js';
import { SESSION_CREDENTIAL_PATTERN, sha256Base64url, sha256Base64urlNow } from './crypto.js';
import { readBearerToken } from './http/bearer.js';
import { HttpError } from './http/errors.js';

/** Activity is written at most this often per session (a store write per request would be waste). */
const TOUCH_INTERVAL_MS = 60_000;

export interface AuthenticatedSession {
  record: SessionRecord;
}

/** `Authorization: Bearer <credential>` → the credential, or undefined when absent or not one of ours. */
export function readBearer(request: Request): { present: boolean; credential: string | undefined } {
  const { present, token } = readBearerToken(request);
  return { present, credential: token !== undefined && SESSION_CREDENTIAL_PATTERN.test(token) ? token : undefined };
}

/**
 * The store key of a credential: the community, then its SHA-256 (the store
 * never holds the credential). A credential presented to another community's
 * handler names a record that does not exist (SPEC §6 "Sharing").
 */
export async function sessionId(ctx: HandlerContext, credential: string): Promise<string> {
  return sessionIdNow(ctx, credential) ?? `${ctx.community}.${await sha256Base64url(credential)}`;
}

/** sessionId without a promise where the runtime hashes at once (Node), else undefined. */
export function sessionIdNow(ctx: HandlerContext, credential: string): string | undefined {
  const hash = sha256Base64urlNow(credential);
  return hash === undefined ? undefined : `${ctx.community}.${hash}`;
}

/** When the session lapses (ms): the JWT's exp, or for an unsigned session the idle limit. */
export function sessionExpiry(record: Pick<SessionRecord, 'lastSeenAt' | 'expiresAt'>, ctx: HandlerContext): number {
  return record.expiresAt ?? record.lastSeenAt + ctx.limits.sessionIdleMs;
}

export function retainUntil(expiry: number, ctx: HandlerContext): number {
  return expiry + ctx.limits.sessionRetainMs;
}

const EXPIRED_MESSAGE =
  'The session has expired (its signed identity lapsed). Register again with a fresh JWT to continue the conversation.';

export function sessionExpiredError(): HttpError {
  return new HttpError(401, 'ERR_SESSION_EXPIRED', EXPIRED_MESSAGE, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
}

export { EXPIRED_MESSAGE as SESSION_EXPIRED_MESSAGE };

/**
 * SPEC §6: the server is the authority on a session, whatever the browser's
 * clock says. Missing → ERR_SESSION_MISSING, unknown or revoked →
 * ERR_SESSION_INVALID, past its expiry → ERR_SESSION_EXPIRED (all 401).
 */
export async function authenticate(
  ctx: HandlerContext,
  request: Request,
  options: { allowExpired?: boolean } = {},
): Promise<AuthenticatedSession> {
  const bearer = readBearer(request);
  if (!bearer.present) {
    throw new HttpError(401, 'ERR_SESSION_MISSING', 'Send the session from POST /v1/identity as Authorization: Bearer <session>.', {
      'WWW-Authenticate': 'Bearer',
    });
  }
  const id = bearer.credential === undefined ? undefined : (sessionIdNow(ctx, bearer.credential) ?? (await sessionId(ctx, bearer.credential)));
  const record = id === undefined ? undefined : await ctx.store.getSession(id);
  if (!record || !honoured(ctx, record)) {
    throw new HttpError(401, 'ERR_SESSION_INVALID', 'The session is unknown or was ended. Register the identity again.', {
      'WWW-Authenticate': 'Bearer error="invalid_token"',
    });
  }
  const now = ctx.now();
  if (!options.allowExpired && now >= sessionExpiry(record, ctx)) throw sessionExpiredError();
  const touched = touch(ctx, record, now);
  if (touched) await touched;
  return { record };
}

/**
 * SPEC §6 "Sharing": a session is honoured only by a handler of the community
 * that issued it, and only if this handler's mode would have issued it (a
 * `require` handler refuses a session made for an unsigned visitor, a
 * `reject` handler one made from a JWT).
 */
export function honoured(ctx: HandlerContext, record: SessionRecord): boolean {
  if (record.community !== ctx.community) return false;
  if (ctx.mode === 'require') return record.signed;
  if (ctx.mode === 'reject') return !record.signed;
  return true;
}

/** What touch() reads and moves of a session (an open stream keeps no more). */
export type TouchedSession = Pick<SessionRecord, 'id' | 'lastSeenAt' | 'expiresAt'>;

/** Records activity (idle expiry of unsigned sessions), at most once a minute: undefined, no promise, when nothing is written. */
export function touch(ctx: HandlerContext, record: TouchedSession, now = ctx.now()): Promise<void> | undefined {
  if (now - record.lastSeenAt < TOUCH_INTERVAL_MS) return undefined;
  record.lastSeenAt = now;
  return ctx.store.touchSession(record.id, now, retainUntil(sessionExpiry(record, ctx), ctx));
}
