import { describe, expect, it } from 'vitest';
import type { SessionRecord } from '../../../src/server/store/index.js';
import { newSessionCredential, sha256Base64url } from '../../../src/server/handler/crypto.js';
import {
  authenticate,
  honoured,
  readBearer,
  retainUntil,
  SESSION_EXPIRED_MESSAGE,
  sessionExpiredError,
  sessionExpiry,
  sessionId,
  touch,
} from '../../../src/server/handler/sessions.js';
import { httpError, testContext, type TestContext } from './context-kit.js';

const withBearer = (credential?: string): Request =>
  new Request('https://chat.test/v1/conversation', credential === undefined ? {} : { headers: { Authorization: `Bearer ${credential}` } });

/** Saves a session for a new credential, as registration does. */
async function saved(ctx: TestContext, fields: Partial<SessionRecord> = {}): Promise<{ credential: string; record: SessionRecord }> {
  const credential = newSessionCredential();
  const record: SessionRecord = {
    id: await sessionId(ctx, credential),
    community: ctx.community,
    conversationId: 'conv-1',
    conversationKey: 'browser:abc',
    signed: false,
    createdAt: ctx.clock.at,
    lastSeenAt: ctx.clock.at,
    retainUntil: ctx.clock.at + 10 * 86_400_000,
    ...fields,
  };
  await ctx.store.saveSession(record);
  return { credential, record };
}

async function refusedCode(promise: Promise<unknown>): Promise<string> {
  const error = await httpError(promise);
  expect(error.status).toBe(401);
  return error.code;
}

describe('readBearer: the session credential of a request', () => {
  it('takes a 43-character base64url credential and nothing else', () => {
    const credential = newSessionCredential();
    expect(readBearer(withBearer(credential))).toEqual({ present: true, credential });
    expect(readBearer(withBearer(`${credential}x`))).toEqual({ present: true, credential: undefined });
    expect(readBearer(withBearer('short'))).toEqual({ present: true, credential: undefined });
    expect(readBearer(withBearer())).toEqual({ present: false, credential: undefined });
  });
});

describe('sessionId: the store key of a credential', () => {
  it("is the community, then the credential's SHA-256 (the store never holds the credential)", async () => {
    const ctx = testContext();
    const credential = newSessionCredential();
    const id = await sessionId(ctx, credential);
    expect(id).toBe(`shop.${await sha256Base64url(credential)}`);
    expect(id).not.toContain(credential);
    expect(await sessionId({ ...ctx, community: 'blog' }, credential)).not.toBe(id);
  });
});

describe('sessionExpiry and retainUntil', () => {
  it("lapse at the JWT's exp for a signed session, after sessionIdleMs of silence for an unsigned one", () => {
    const ctx = testContext({ limits: { sessionIdleMs: 1_000, sessionRetainMs: 500 } });
    expect(sessionExpiry({ lastSeenAt: 10_000, expiresAt: 99_000 }, ctx)).toBe(99_000);
    expect(sessionExpiry({ lastSeenAt: 10_000 }, ctx)).toBe(11_000);
    expect(retainUntil(11_000, ctx)).toBe(11_500);
  });
});

describe('authenticate (SPEC §6: the server is the authority on a session)', () => {
  it("answers the stored record of a live session", async () => {
    const ctx = testContext();
    const { credential, record } = await saved(ctx);
    expect((await authenticate(ctx, withBearer(credential))).record).toMatchObject({ id: record.id, conversationId: 'conv-1' });
  });

  it('refuses a request without Authorization with ERR_SESSION_MISSING and WWW-Authenticate: Bearer', async () => {
    const ctx = testContext();
    const error = await httpError(authenticate(ctx, withBearer()));
    expect(error).toMatchObject({ status: 401, code: 'ERR_SESSION_MISSING', headers: { 'WWW-Authenticate': 'Bearer' } });
    expect(error.message).toMatch(/POST \/v1\/identity/);
  });

  it('refuses a malformed, unknown or deleted credential with ERR_SESSION_INVALID', async () => {
    const ctx = testContext();
    expect(await refusedCode(authenticate(ctx, withBearer('not-a-credential')))).toBe('ERR_SESSION_INVALID');
    expect(await refusedCode(authenticate(ctx, withBearer(newSessionCredential())))).toBe('ERR_SESSION_INVALID');
    const { credential, record } = await saved(ctx);
    await ctx.store.deleteSession(record.id);
    expect(await refusedCode(authenticate(ctx, withBearer(credential)))).toBe('ERR_SESSION_INVALID');
  });

  it('refuses a session past its expiry with ERR_SESSION_EXPIRED, unless the caller allows expired ones (renewal)', async () => {
    const ctx = testContext();
    const { credential } = await saved(ctx, { signed: true, expiresAt: ctx.clock.at + 1_000 });
    ctx.clock.at += 1_000;
    expect(await refusedCode(authenticate(ctx, withBearer(credential)))).toBe('ERR_SESSION_EXPIRED');
    await expect(authenticate(ctx, withBearer(credential), { allowExpired: true })).resolves.toBeDefined();
  });

  it('lapses an unsigned session after sessionIdleMs without a request', async () => {
    const ctx = testContext({ limits: { sessionIdleMs: 120_000 } });
    const { credential } = await saved(ctx);
    ctx.clock.at += 119_999;
    await authenticate(ctx, withBearer(credential));
    ctx.clock.at += 119_999;
    await expect(authenticate(ctx, withBearer(credential))).resolves.toBeDefined();
    ctx.clock.at += 120_000;
    expect(await refusedCode(authenticate(ctx, withBearer(credential)))).toBe('ERR_SESSION_EXPIRED');
  });
});

describe('sessionExpiredError', () => {
  it('is 401 ERR_SESSION_EXPIRED with invalid_token and a message that says to register again', () => {
    expect(sessionExpiredError()).toMatchObject({
      status: 401,
      code: 'ERR_SESSION_EXPIRED',
      message: SESSION_EXPIRED_MESSAGE,
      headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
    });
    expect(SESSION_EXPIRED_MESSAGE).toMatch(/Register again with a fresh JWT/);
  });
});

describe('honoured (SPEC §6 "Sharing")', () => {
  const record = (community: string, signed: boolean) => ({ community, signed }) as SessionRecord;

  it("is refused by another community's handler", () => {
    expect(honoured(testContext(), record('blog', false))).toBe(false);
    expect(honoured(testContext(), record('shop', false))).toBe(true);
  });

  it('follows the mode that would have issued it: require takes signed only, reject unsigned only, accept both', () => {
    expect(honoured(testContext({ mode: 'require' }), record('shop', false))).toBe(false);
    expect(honoured(testContext({ mode: 'require' }), record('shop', true))).toBe(true);
    expect(honoured(testContext({ mode: 'reject' }), record('shop', true))).toBe(false);
    expect(honoured(testContext({ mode: 'reject' }), record('shop', false))).toBe(true);
    expect(honoured(testContext({ mode: 'accept' }), record('shop', true))).toBe(true);
  });

  it('makes authenticate refuse a session of a mode this handler would not issue', async () => {
    const ctx = testContext({ mode: 'require' });
    const { credential } = await saved(ctx, { signed: false });
    expect(await refusedCode(authenticate(ctx, withBearer(credential)))).toBe('ERR_SESSION_INVALID');
  });
});

describe('touch: activity written at most once a minute', () => {
  it('writes nothing within a minute of the last write, then moves lastSeenAt and retainUntil', async () => {
    const ctx = testContext({ limits: { sessionIdleMs: 600_000, sessionRetainMs: 1_000 } });
    const { record } = await saved(ctx, { retainUntil: ctx.clock.at + 90_000 });
    const start = record.lastSeenAt;
    await touch(ctx, record, start + 59_999);
    expect(record.lastSeenAt).toBe(start);
    expect((await ctx.store.getSession(record.id))!.lastSeenAt).toBe(start);
    await touch(ctx, record, start + 60_000);
    expect(record.lastSeenAt).toBe(start + 60_000);
    expect(await ctx.store.getSession(record.id)).toMatchObject({ lastSeenAt: start + 60_000, retainUntil: start + 60_000 + 600_000 + 1_000 });
  });
});
