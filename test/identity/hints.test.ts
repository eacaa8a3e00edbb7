/**
 * Issue 21 item 7: one home for the integrator hints about time values, with
 * ONE threshold for the milliseconds-for-seconds mistake. Every place that
 * names the mistake names it for the same values: the verifier, `chatq
 * explain`, `chatq/sign` and `verifyWebhook`.
 */
import { describe, expect, it } from 'vitest';
import { checkTimes, looksLikeMilliseconds, looksLikeSeconds, MAX_TIME_AHEAD_SECONDS, secondsFix } from '../../src/identity/index.js';
import { claimsCauses } from '../../src/cli/explain-causes.js';
import { verifyWebhook } from '../../src/server/index.js';
import { signIdentity } from '../../src/sign/index.js';

const NOW = 1_790_000_000;
const POLICY = { mode: 'require', minTokenLifetime: 3600, clockTolerance: 10 } as const;
/** Past the one threshold, but far below the 1e11 that `explain` and verifyWebhook used before. */
const JUST_PAST = NOW + MAX_TIME_AHEAD_SECONDS + 60;

function refusal(run: () => unknown): { code: string; path?: string; message: string } {
  try {
    run();
  } catch (error) {
    return error as { code: string; path?: string; message: string };
  }
  throw new Error('not refused');
}

describe('looksLikeMilliseconds: one threshold', () => {
  it('is the verifier bound, 10 years ahead of now', () => {
    expect(looksLikeMilliseconds(NOW + MAX_TIME_AHEAD_SECONDS, NOW)).toBe(false);
    expect(looksLikeMilliseconds(NOW + MAX_TIME_AHEAD_SECONDS + 1, NOW)).toBe(true);
    expect(looksLikeMilliseconds(NOW * 1000, NOW)).toBe(true);
    expect(looksLikeMilliseconds(NOW + 86_400, NOW)).toBe(false);
  });

  it('secondsFix says seconds and how to write them', () => {
    expect(secondsFix('exp')).toBe('exp counts seconds since the epoch, not milliseconds: use Math.floor(Date.now() / 1000) + a lifetime in seconds (Python: int(time.time())).');
    expect(secondsFix('iat')).not.toContain('lifetime');
  });
});

describe('every place names the mistake for the same values', () => {
  it('the verifier refuses an exp just past the threshold with the one fix', () => {
    const error = refusal(() => checkTimes({ exp: JUST_PAST, nbf: undefined, iat: undefined }, NOW, POLICY));
    expect(error).toMatchObject({ code: 'ERR_JWT_MALFORMED', path: 'payload.exp' });
    expect(error.message).toContain(secondsFix('exp'));
  });

  it('explain gives the milliseconds cause for that same exp (it waited for 1e11 before)', () => {
    const error = refusal(() => checkTimes({ exp: JUST_PAST, nbf: undefined, iat: undefined }, NOW, POLICY));
    const causes = claimsCauses({ exp: JUST_PAST }, error as never, POLICY, NOW);
    expect(causes).toEqual([{ cause: `exp looks like milliseconds (${JUST_PAST})`, fix: secondsFix('exp') }]);
  });

  it('verifyWebhook calls that timestamp milliseconds, not "in the future"', async () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(JUST_PAST), 'webhook-signature': 'v1,AAAA' };
    const { problems } = await verifyWebhook({ secret, headers, body: '{}', now: NOW });
    expect(problems).toContain('webhook-timestamp is in milliseconds: Standard Webhooks use seconds.');
  });

  it('chatq/sign refuses a lifetime past the same threshold, and not one under it', async () => {
    const key = { kid: 'site_2026', secret: '0123456789abcdef01234567' };
    await expect(signIdentity({ uuid: 'u' }, { ...key, lifetime: MAX_TIME_AHEAD_SECONDS + 1 })).rejects.toMatchObject({ code: 'ERR_JWT_MALFORMED', message: expect.stringContaining('milliseconds') });
    await expect(signIdentity({ uuid: 'u' }, { ...key, lifetime: MAX_TIME_AHEAD_SECONDS })).resolves.toEqual(expect.any(String));
  });
});

describe('looksLikeSeconds: an expiresAt (ms) that holds seconds', () => {
  it('uses the same 10-year bound, on the millisecond clock', () => {
    const nowMs = NOW * 1000;
    expect(looksLikeSeconds(NOW + 3600, nowMs)).toBe(true);
    expect(looksLikeSeconds(nowMs + 3_600_000, nowMs)).toBe(false);
    expect(looksLikeSeconds(nowMs - 86_400_000, nowMs)).toBe(false);
  });
});
