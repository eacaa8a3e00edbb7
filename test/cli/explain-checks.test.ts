/**
 * Issue 21 item 7: `chatq explain` reads the clock ONCE per explanation. It
 * printed "iat is 37 s in the future" (the verifier's message) and "iat is
 * 38 s" (the likely cause) one line apart, because the two read the clock
 * separately. Here the clock moves 700 ms at every read, so any second read
 * shows.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { communityFromEnv } from '../../src/cli/community-file.js';
import { runChecks } from '../../src/cli/explain-checks.js';
import { HS_KEY, signHS256 } from '../helpers/sign.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('explain: one instant per explanation', () => {
  it('the verifier message and the cause give the same number of seconds', async () => {
    const start = 1_790_000_000_000;
    let reads = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => start + 700 * reads++);
    const token = signHS256({ uuid: 'u1', iat: start / 1000 + 37, exp: start / 1000 + 7200 }, HS_KEY);
    const file = communityFromEnv('CHATQ_HS256_SECRET', HS_KEY.secret, HS_KEY.kid, undefined);
    const report = await runChecks(token, file);
    const claims = report.checks.find((check) => check.name === 'claims' && check.status === 'failed')!;
    expect(claims).toMatchObject({ code: 'ERR_JWT_NOT_YET_VALID', path: 'payload.iat' });
    expect(claims.message).toMatch(/^The JWT iat is 37 seconds in the future/);
    expect(claims.causes[0]!.cause).toMatch(/^iat is 37 seconds in the future/);
  });
});
