/**
 * SPEC §6, the bound on warnings (src/identity/warnings.ts): at most 20, then
 * one W_MORE_DROPPED summary, always last, that counts the rest. The
 * verifier's lists and capWarnings' reading of a custom verifier's are tested
 * in test/server/verifier/bounds.test.ts; here, the list operations themselves.
 */
import { describe, expect, it } from 'vitest';
import type { IdentityWarning } from '../../src/identity/types.js';
import { addWarning, capWarnings, MAX_WARNING_TEXT, MAX_WARNINGS } from '../../src/identity/warnings.js';

const dropped = (count: number): IdentityWarning => ({
  code: 'W_MORE_DROPPED',
  path: 'warnings',
  message: `${count} more warning${count === 1 ? '' : 's'} dropped (at most 20 are kept per identity).`,
});

/** A list of `count` warnings, made with addWarning. */
function added(count: number): IdentityWarning[] {
  const warnings: IdentityWarning[] = [];
  for (let index = 0; index < count; index++) addWarning(warnings, 'W_FIELD_DROPPED', `extra_values.k${index}`, 'dropped');
  return warnings;
}

describe('addWarning', () => {
  it('keeps the first 20 (MAX_WARNINGS) as given, in order', () => {
    expect(MAX_WARNINGS).toBe(20);
    const warnings = added(20);
    expect(warnings).toHaveLength(20);
    expect(warnings[0]).toEqual({ code: 'W_FIELD_DROPPED', path: 'extra_values.k0', message: 'dropped' });
    expect(warnings[19]!.path).toBe('extra_values.k19');
  });

  it('cuts path and message to 128 characters (MAX_WARNING_TEXT) and makes them plain text', () => {
    expect(MAX_WARNING_TEXT).toBe(128);
    const warnings: IdentityWarning[] = [];
    addWarning(warnings, 'W_UNKNOWN_FIELD', `a\u0000b${'p'.repeat(200)}`, `${'m'.repeat(127)}\u{1F600}`);
    expect(warnings[0]).toEqual({ code: 'W_UNKNOWN_FIELD', path: `a\uFFFDb${'p'.repeat(125)}`, message: `${'m'.repeat(127)}\uFFFD` });
  });

  it('the 21st becomes a summary that counts it, in the singular; the next ones only raise the count', () => {
    const warnings = added(21);
    expect(warnings).toHaveLength(21);
    expect(warnings[20]).toEqual(dropped(1));
    addWarning(warnings, 'W_FIELD_DROPPED', 'p', 'm');
    addWarning(warnings, 'W_FIELD_DROPPED', 'p', 'm');
    expect(warnings).toHaveLength(21);
    expect(warnings[20]).toEqual(dropped(3));
    expect(warnings.slice(0, 20).map((warning) => warning.path)).toEqual(added(20).map((warning) => warning.path));
  });

  it('builds the text of a kept warning only: past the bound, the functions are never called', () => {
    const warnings = added(20);
    let calls = 0;
    const text = () => {
      calls++;
      return 'expensive';
    };
    for (let index = 0; index < 50; index++) addWarning(warnings, 'W_FIELD_DROPPED', text, text);
    expect(calls).toBe(0);
    expect(warnings[20]).toEqual(dropped(50));
    const short: IdentityWarning[] = [];
    addWarning(short, 'W_X', () => 'path', () => 'message');
    expect(short).toEqual([{ code: 'W_X', path: 'path', message: 'message' }]);
  });

  it('folds entries pushed after the summary into it, a pushed summary by its own count', () => {
    const warnings = added(21);
    warnings.push({ code: 'W_OTHER', path: 'p', message: 'm' }, dropped(40));
    addWarning(warnings, 'W_FIELD_DROPPED', 'p', 'm');
    expect(warnings).toHaveLength(21);
    // 1 already counted + 1 plain entry + 40 from the pushed summary + the one added now.
    expect(warnings[20]).toEqual(dropped(43));
  });
});

describe('capWarnings and a summary at the end of the list', () => {
  it('a list addWarning bounded passes unchanged', () => {
    const warnings = added(30);
    expect(capWarnings(warnings)).toEqual(warnings);
  });

  it('a summary last keeps its count, added to the entries between the 20th and it', () => {
    expect(capWarnings([...added(20), dropped(7)])).toEqual([...added(20), dropped(7)]);
    const unbounded = Array.from({ length: 24 }, (_, index) => ({ code: 'W_X', path: `p${index}`, message: 'm' }));
    expect(capWarnings([...unbounded, dropped(3)]).at(-1)).toEqual(dropped(7));
  });

  it('a summary whose message gives no usable count stands for one warning', () => {
    for (const message of ['many more warnings dropped', '0 more warnings dropped', `${'9'.repeat(16)} more warnings dropped`, 'x 5 more warnings dropped']) {
      expect(capWarnings([...added(20), { code: 'W_MORE_DROPPED', path: 'warnings', message }]).at(-1), message).toEqual(dropped(1));
    }
  });
});
