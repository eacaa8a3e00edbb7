/**
 * Issue 16 LOW 2: a community file that is not JSON is reported by line and
 * column only. Node's SyntaxError quotes the text around the mistake, often
 * a secret; the scanner finds the same place without quoting anything.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeJsonMistake, lineAndColumn } from '../../src/cli/json-position.js';

/** V8's own position, where its message gives one. */
function v8Position(text: string): number | undefined {
  try {
    JSON.parse(text);
  } catch (error) {
    const found = /at position (\d+)/.exec((error as Error).message);
    return found ? Number(found[1]) : undefined;
  }
  throw new Error(`${JSON.stringify(text)} parsed`);
}

const SECRET = 'fedcba9876543210fedcba9876543210';

describe('describeJsonMistake', () => {
  it.each([
    ['an unquoted secret', `{"jwtKeys": [{"id": "k", "secret": ${SECRET}}]}`, 'at line 1, column 37'],
    ['a secret with a line break in its string', `{\n  "jwtKeys": [{"id": "k", "secret": "${SECRET}\n"}]\n}`, 'at line 2, column 70'],
    ['a trailing comma', '{"a": 1,}', 'at line 1, column 9'],
    ['a missing bracket', '{ "jwtKeys": [ }', 'at line 1, column 16'],
    ['a truncated file', '{"jwtKeys": [', 'it ends too early (line 1, column 14)'],
    ['an empty file', '', 'it ends too early (line 1, column 1)'],
    ['a byte order mark', '\uFEFF{}', 'at line 1, column 1'],
    ['a comment', '{\n  // keys\n  "jwtKeys": []\n}', 'at line 2, column 3'],
    ['a bad escape', '{"a": "\\x"}', 'at line 1, column 9'],
    ['text after the value', '{} {}', 'at line 1, column 4'],
  ])('%s: %j', (_what, text, said) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(describeJsonMistake(text)).toBe(said);
  });

  it("never quotes the text, where Node's message does", () => {
    const text = `{"jwtKeys": [{"id": "k", "secret": ${SECRET}}]}`;
    expect(() => JSON.parse(text)).toThrow(/fedcba98/);
    expect(describeJsonMistake(text)).not.toMatch(/[0-9a-f]{4}/);
  });

  it('finds the place V8 names, wherever V8 names one (mutated community files)', () => {
    const base = JSON.stringify({ id: 'shop', jwtKeys: [{ id: 'k', secret: SECRET, n: -1.5e3 }, true, null, false, [], {}], s: 'a\\u00e9"' }, null, 2);
    const char = fc.constantFrom(...'{}[],:"\\ 0-.eE1+atfnux\n\t\u0001');
    fc.assert(
      fc.property(fc.nat(base.length - 1), char, fc.boolean(), (at, inserted, insert) => {
        const text = insert ? base.slice(0, at) + inserted + base.slice(at) : base.slice(0, at) + base.slice(at + 1);
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        if (valid) return;
        const position = v8Position(text);
        if (position === undefined) return;
        const { line, column } = lineAndColumn(text, position);
        expect(describeJsonMistake(text)).toContain(`line ${line}, column ${column}`);
      }),
      { numRuns: 3000 },
    );
  });
});
