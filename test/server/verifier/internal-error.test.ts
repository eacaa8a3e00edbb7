/**
 * The verifier's own failures (a bug, a broken clock) are ERR_INTERNAL — a
 * 500 in the handler — never a code that blames the caller (ERR_JWT_MALFORMED
 * is a 400), and their message quotes no input.
 */
import { describe, expect, it } from 'vitest';
import { IdentityError } from '../../../src/identity/index.js';
import { createVerifier, defineCommunity } from '../../../src/server/verifier/index.js';
import { HS_KEY, signHS256 } from '../../helpers/sign.js';

const T = 1_800_000_000;
const community = defineCommunity({ jwtKeys: [{ id: HS_KEY.kid, secret: HS_KEY.secret }] });
const token = signHS256({ uuid: 'user-42', exp: T + 7200 }, HS_KEY);

async function refusal(promise: Promise<unknown>): Promise<IdentityError> {
  const error: unknown = await promise.then(
    () => new Error('resolved'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IdentityError);
  return error as IdentityError;
}

describe('a failure inside the verifier is ERR_INTERNAL', () => {
  it('a clock that throws (its message quoting the token) gives ERR_INTERNAL, and the message names no input', async () => {
    const verifier = createVerifier(community, {
      now: () => {
        throw new Error(`clock broke while reading ${token}`);
      },
    });
    const error = await refusal(verifier.verify({ jwt: token }));
    expect(error.code).toBe('ERR_INTERNAL');
    expect(error.message).toMatch(/nothing in the request caused it/);
    expect(error.message).not.toContain(token.slice(-20));
    expect(error.message).not.toContain('clock broke');
  });

  it('with the same clock, a refusal that needs no clock keeps its own code', async () => {
    const verifier = createVerifier(community, {
      now: () => {
        throw new Error('clock broke');
      },
    });
    expect((await refusal(verifier.verify({}))).code).toBe('ERR_SIGNED_IDENTITY_REQUIRED');
  });

  it('a working verifier verifies the same token (the failure above is the clock’s alone)', async () => {
    const verifier = createVerifier(community, { now: () => T * 1000 });
    await expect(verifier.verify({ jwt: token })).resolves.toMatchObject({ uuid: 'user-42', signed: true });
  });
});
