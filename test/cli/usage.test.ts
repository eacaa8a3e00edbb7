/**
 * SPEC §9 `npx chatq`: how every command reads its arguments (src/cli/usage.ts).
 * The commands' own --help and bad arguments are in test/cli/index.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { parse, required, UsageError, UserError } from '../../src/cli/usage.js';
import { thrownBy } from '../helpers/thrown.js';

/** The UsageError `run` throws (anything else fails the test). */
const usageError = (run: () => unknown): UsageError => thrownBy(UsageError, run);

describe('the two errors a command can end with', () => {
  it('are Errors with their own names, so main tells a usage mistake (exit 2) from a user one (exit 1)', () => {
    const usage = new UsageError('give the token.');
    const user = new UserError('no such file.');
    expect([usage.name, usage.message, usage instanceof Error]).toEqual(['UsageError', 'give the token.', true]);
    expect([user.name, user.message, user instanceof Error]).toEqual(['UserError', 'no such file.', true]);
    expect(user).not.toBeInstanceOf(UsageError);
    expect(usage).not.toBeInstanceOf(UserError);
  });
});

describe('parse: node:util parseArgs, strict, worded for people', () => {
  const options = { kid: { type: 'string' }, json: { type: 'boolean' } } as const;

  it('gives the options and up to the allowed number of positionals', () => {
    const { values, positionals } = parse(['FILE', '--kid', 'site_2026', '--json'], options, 1);
    expect(values).toEqual({ kid: 'site_2026', json: true });
    expect(positionals).toEqual(['FILE']);
    expect(parse(['--kid=k'], options).values.kid).toBe('k');
  });

  it('adds --help and -h to every command', () => {
    expect(parse(['--help'], options).values.help).toBe(true);
    expect(parse(['-h'], {}).values.help).toBe(true);
  });

  it('refuses a positional past the allowed number, naming it; --help never does', () => {
    expect(usageError(() => parse(['a', 'b'], options, 1)).message).toBe('unexpected argument "b".');
    expect(usageError(() => parse(['a'], options)).message).toBe('unexpected argument "a".');
    expect(parse(['a', 'b', '--help'], options, 1).positionals).toEqual(['a', 'b']);
  });

  it('turns an unknown option or a missing value into a UsageError without parseArgs\' advice on positionals', () => {
    const unknown = usageError(() => parse(['--secret-file', 'x'], options));
    expect(unknown.message).toMatch(/^Unknown option '--secret-file'\.$/);
    const missing = usageError(() => parse(['--kid'], options));
    expect(missing.message).toMatch(/'--kid <value>' argument missing/);
    expect(usageError(() => parse(['--json=yes'], options)).message).toMatch(/--json/);
  });
});

describe('required: a string option that must be given', () => {
  it('gives the value when it is a non-empty string', () => {
    expect(required('site_2026', 'kid')).toBe('site_2026');
  });

  it('refuses an absent, empty or non-string value, naming the option', () => {
    for (const value of [undefined, '', true, ['a']]) {
      expect(usageError(() => required(value, 'kid')).message, String(value)).toBe('--kid is required.');
    }
  });
});
