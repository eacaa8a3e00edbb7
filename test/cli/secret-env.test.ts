/**
 * Issue 16 LOW 5, issue 17: the HS256 secret given by the name of an
 * environment variable (src/cli/secret-env.ts), so it stays out of `ps` and
 * the shell's history. The commands using it are in test/cli/index.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { SECRET_ARGUMENT_WARNING, SECRET_ENV, secretFromEnv } from '../../src/cli/secret-env.js';
import { UsageError, UserError } from '../../src/cli/usage.js';

const SECRET = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

/** The error `run` throws, as its class name and message. */
function failure(run: () => unknown): { name: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError || error instanceof UserError) return { name: error.name, message: error.message };
    throw error;
  }
  throw new Error('expected an error, and nothing was thrown');
}

describe('the one variable name (issue 17)', () => {
  it('is CHATQ_HS256_SECRET, and the --secret warning points to it', () => {
    expect(SECRET_ENV).toBe('CHATQ_HS256_SECRET');
    expect(SECRET_ARGUMENT_WARNING).toBe('warning: --secret puts the secret in the process list (ps) and your shell history; use --secret-env CHATQ_HS256_SECRET instead.\n');
  });
});

describe('secretFromEnv', () => {
  it('gives the value of the named variable, as it is', () => {
    expect(secretFromEnv(SECRET_ENV, { [SECRET_ENV]: SECRET })).toBe(SECRET);
    expect(secretFromEnv('_my_Secret9', { _my_Secret9: `${SECRET}\n` })).toBe(`${SECRET}\n`);
    expect(secretFromEnv('S'.repeat(128), { ['S'.repeat(128)]: 'x' })).toBe('x');
  });

  it('an unset or empty variable: a UserError naming the variable (exit 1)', () => {
    expect(failure(() => secretFromEnv('MISSING', {}))).toEqual({ name: 'UserError', message: 'the environment variable MISSING (--secret-env) is not set or is empty.' });
    expect(failure(() => secretFromEnv('EMPTY', { EMPTY: '' })).name).toBe('UserError');
  });

  it('a secret given in place of the name: a UsageError that never quotes it, 24 or 64 hex characters, any case', () => {
    for (const given of [SECRET, SECRET.slice(0, 24), SECRET.toUpperCase(), `${SECRET.slice(0, 24)}\n`]) {
      const error = failure(() => secretFromEnv(given, { [SECRET_ENV]: SECRET }));
      expect(error).toEqual({
        name: 'UsageError',
        message: '--secret-env takes the name of an environment variable, and this looks like a secret itself: write --secret-env CHATQ_HS256_SECRET (without $).',
      });
    }
  });

  it('a name that is not a variable name ($NAME, a dash, a leading digit, 129 characters): a UsageError with an example', () => {
    for (const given of ['$CHATQ_HS256_SECRET', 'MY-SECRET', '1SECRET', '', 'S'.repeat(129), 'A B']) {
      expect(failure(() => secretFromEnv(given, {})), given).toEqual({
        name: 'UsageError',
        message: '--secret-env takes the name of an environment variable (letters, digits, _), e.g. --secret-env CHATQ_HS256_SECRET (without $).',
      });
    }
  });
});
