import {
  AUTOMATED_UUID_PATTERN,
  capWarnings,
  isTooFarAhead,
  looksLikeSeconds,
  SECONDS_EXPIRES_AT,
  type RegisterResponse,
  type VerifiedIdentity,
} from '../../../identity/index.js';
import type { SessionRecord } from '../../store/index.js';
import type { Call, HandlerContext } from '../context.js';
import { newSessionCredential } from '../crypto.js';
import { readJsonObject } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { jsonReply, type Reply } from '../http/reply.js';
import { takeRate } from '../rate.js';
import { honoured, readBearer, retainUntil, sessionExpiry, sessionId, sessionIdNow } from '../sessions.js';
import { identityHttpError } from './shared/identity-errors.js';
import { publicIdentity, publicPolicy } from './shared/public-views.js';

/**
 * SPEC §6 "Who may read a conversation": a verified JWT uuid owns
 * `signed:<uuid>`; everything else is keyed by the browser's automated uuid
 * (random, unguessable), so an unsigned uuid labels the visitor for the agent
 * but never unlocks anyone's history. Without a usable automated uuid the
 * conversation is reachable through this session only.
 */
export function conversationKey(identity: VerifiedIdentity, automatedUuid: string | undefined): string {
  if (identity.signed) return `signed:${identity.uuid}`;
  return `browser:${automatedUuid ?? crypto.randomUUID()}`;
}

/** `POST {base}/v1/identity`: RegisterRequest → RegisterResponse. */
export async function register(ctx: HandlerContext, call: Call): Promise<Reply> {
  const { request } = call;
  const limited = takeRate(ctx, `register:address:${call.clientAddress()}`, ctx.limits.registrationsPerMinutePerAddress, 'identity registrations from this address');
  if (limited) await limited;
  const body = await readJsonObject(request, ctx.limits.maxBodyBytes);
  const automatedUuid = readAutomatedUuid(body.automatedUuid);
  const previous = await previousSession(ctx, request);
  if (previous) await takeRate(ctx, `register:session:${previous.id}`, ctx.limits.registrationsPerMinutePerSession, 'identity registrations for this session');

  const identity = await verify(ctx, { jwt: body.jwt, identity: body.identity, automatedUuid });
  refuseLargeUnsigned(identity);
  const now = ctx.now();
  const expiresAt = signedExpiry(identity, now);
  const key = conversationKey(identity, automatedUuid);
  // The store charges a new conversation to the client's address (per-address quota, issue 16 HIGH 3).
  const address = call.clientAddress();
  const conversation = await ctx.store.upsertConversation(ctx.community, key, identity, now, address === 'unknown' ? undefined : address);

  let credential: string | undefined;
  let id: string;
  if (previous && previous.record.conversationKey === key) {
    // Renewal (SPEC §5): a fresh JWT for the same visitor extends the session in place, even after it lapsed.
    credential = previous.credential;
    id = previous.id;
  } else {
    if (previous) {
      // A different visitor on this browser is a user switch: the old session ends everywhere.
      await ctx.store.deleteSession(previous.id);
      ctx.publish({ type: 'session_ended', conversationId: previous.record.conversationId, sessionId: previous.id });
    }
    credential = newSessionCredential();
    id = sessionIdNow(ctx, credential) ?? (await sessionId(ctx, credential));
  }
  const createdAt = previous?.record.conversationKey === key ? previous.record.createdAt : now;
  // Two literals rather than a spread of a conditional one: the same fields in the same order, built at once.
  const record: SessionRecord =
    expiresAt === undefined
      ? { id, community: ctx.community, conversationId: conversation.id, conversationKey: key, signed: identity.signed, createdAt, lastSeenAt: now, retainUntil: 0 }
      : { id, community: ctx.community, conversationId: conversation.id, conversationKey: key, signed: identity.signed, createdAt, lastSeenAt: now, expiresAt, retainUntil: 0 };
  record.retainUntil = retainUntil(sessionExpiry(record, ctx), ctx);
  await ctx.store.saveSession(record);
  ctx.publish({ type: 'conversation', conversationId: conversation.id });

  // A literal, never assignments: a setter on Object.prototype must not see the answer that carries the credential.
  const response: RegisterResponse = {
    session: credential,
    conversationId: conversation.id,
    identity: publicIdentity(identity),
    ...(expiresAt === undefined ? {} : { expiresAt }),
    serverTime: now,
    ...(ctx.verifier.policy ? { policy: publicPolicy(ctx.verifier.policy) } : {}),
  };
  return jsonReply(200, response);
}

/**
 * What an unsigned visitor may have stored (issue 16 HIGH 2): anyone can
 * register one, so its identity is kept well below the body limit — a 16 KB
 * identity kept 17.6 KiB in Redis per anonymous sign-in. A signed identity is
 * the community's own and is bounded by its JWT.
 */
export const UNSIGNED_IDENTITY_MAX_CHARS = 4096;

function refuseLargeUnsigned(identity: VerifiedIdentity): void {
  if (identity.signed) return;
  const size = JSON.stringify(identity).length;
  if (size > UNSIGNED_IDENTITY_MAX_CHARS) {
    throw new HttpError(
      413,
      'ERR_BODY_TOO_LARGE',
      `An unsigned identity may hold at most ${UNSIGNED_IDENTITY_MAX_CHARS} characters once verified (it has ${size}): send fewer or shorter fields, or sign it.`,
    );
  }
}

function readAutomatedUuid(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !AUTOMATED_UUID_PATTERN.test(value)) {
    throw new HttpError(
      400,
      'ERR_BAD_REQUEST',
      'automatedUuid must be random text of 22–64 characters [A-Za-z0-9_-] or a lowercase UUID.',
    );
  }
  return value;
}

/** The session named by Authorization, if any — expired ones too (they can be renewed). */
async function previousSession(ctx: HandlerContext, request: Request) {
  const { credential } = readBearer(request);
  if (credential === undefined) return undefined;
  const id = await sessionId(ctx, credential);
  const record = await ctx.store.getSession(id);
  // Another community's session is not this handler's to renew or end (SPEC §6 "Sharing").
  return record && honoured(ctx, record) ? { credential, id, record } : undefined;
}

async function verify(ctx: HandlerContext, input: { jwt: unknown; identity: unknown; automatedUuid: string | undefined }) {
  let identity: VerifiedIdentity;
  try {
    identity = await ctx.verifier.verify(input);
  } catch (error) {
    const httpError = identityHttpError(error);
    if (httpError) throw httpError;
    throw error;
  }
  if (typeof identity?.uuid !== 'string' || identity.uuid === '' || typeof identity.signed !== 'boolean') {
    throw new Error('The verifier resolved to something that is not a VerifiedIdentity.');
  }
  // SPEC §6 "Bounds": what is returned and stored keeps at most 20 warnings, whatever verifier made them.
  return { ...identity, warnings: capWarnings(identity.warnings) };
}

/**
 * The session's hard expiry (ms): a signed identity's `expiresAt` (ms since 0.3.0).
 * A non-finite or absurd value (beyond now + 10 years, e.g. `exp: 1e308` from
 * a custom verifier) would mean a session that never lapses and is kept
 * forever (`expiresAt: null` on the wire): that is a verifier bug, refused
 * like a broken answer (500 ERR_INTERNAL, logged) rather than silently clamped.
 */
function signedExpiry(identity: VerifiedIdentity, now: number): number | undefined {
  if (!identity.signed || identity.expiresAt === undefined) return undefined;
  const ms = Math.round(identity.expiresAt);
  // The verifier's own bound on time claims (src/identity/time-bounds.ts), on the handler's clock.
  if (typeof identity.expiresAt !== 'number' || !Number.isFinite(ms) || isTooFarAhead(ms / 1000, now / 1000)) {
    throw new Error(`The verifier returned an unusable expiresAt (${String(identity.expiresAt).slice(0, 40)}): not a time within 10 years.`);
  }
  // A custom verifier written for 0.2 returns exp in seconds: said so in the log, not read as January 1970.
  if (looksLikeSeconds(ms, now)) throw new Error(`The verifier returned expiresAt ${ms}, which is seconds: ${SECONDS_EXPIRES_AT}`);
  return ms;
}
