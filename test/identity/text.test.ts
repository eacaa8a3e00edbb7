/**
 * SPEC §6: the plain-text rule shared by message bodies, page titles and URLs,
 * identity strings and extra values — every boundary of every refused range.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isPlainText, toPlainText } from '../../src/identity/index.js';
import { oneLineProblem } from '../../src/identity/text.js';

type Rule = (value: string, multiline: boolean) => boolean;

const hex = (value: string) => [...value].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');

/** [what, the character, allowed on one line, allowed in a multi-line text] */
const BOUNDARIES: [string, string, boolean, boolean][] = [
  ['NUL', '\u0000', false, false],
  ['tab', '\t', false, true],
  ['line feed', '\n', false, true],
  ['vertical tab', '\u000B', false, false],
  ['form feed', '\u000C', false, false],
  ['carriage return', '\r', false, true],
  ['U+001F, the last C0 control', '\u001F', false, false],
  ['U+0020, space', ' ', true, true],
  ['U+007E, tilde', '~', true, true],
  ['U+007F, DEL', '\u007F', false, false],
  ['U+0080, the first C1 control', '\u0080', false, false],
  ['U+0085, next line', '\u0085', false, false],
  ['U+009F, the last C1 control', '\u009F', false, false],
  ['U+00A0, no-break space', '\u00A0', true, true],
  ['U+2028, line separator (a separator, not a control)', '\u2028', true, true],
  ['U+2029, just before the bidi controls', '\u2029', true, true],
  ['U+202A, left-to-right embedding', '\u202A', false, false],
  ['U+202E, right-to-left override', '\u202E', false, false],
  ['U+202F, narrow no-break space', '\u202F', true, true],
  ['U+2065, just before the isolates', '\u2065', true, true],
  ['U+2066, left-to-right isolate', '\u2066', false, false],
  ['U+2069, pop directional isolate', '\u2069', false, false],
  ['U+206A, just after the isolates', '\u206A', true, true],
  ['a lone high surrogate', '\uD83D', false, false],
  ['a lone low surrogate', '\uDE00', false, false],
  ['two high surrogates', '\uD83D\uD83D', false, false],
  ['a low then a high surrogate', '\uDE00\uD83D', false, false],
  ['an emoji (a surrogate pair)', '😀', true, true],
  ['a ZWJ emoji sequence', '👩‍💻', true, true],
  ['U+200B, zero-width space (not in the SPEC list)', '\u200B', true, true],
  ['U+200D, zero-width joiner (emoji and scripts need it)', '\u200D', true, true],
  ['U+FEFF, zero-width no-break space', '\uFEFF', true, true],
  ['U+200E, left-to-right mark (not an override)', '\u200E', true, true],
  ['U+FFFD, replacement character', '\uFFFD', true, true],
];

/** A pattern's source without its character classes and lookaround openers, where `?`, `*` and `+` are no quantifiers. */
const withoutClassesAndLookarounds = (source: string): string => source.replace(/\[(?:\\.|[^\]\\])*\]/g, '').replace(/\(\?<?[=!:]/g, '(');

function describeRule(name: string, rule: () => Rule): void {
  describe(name, () => {
    const rows = BOUNDARIES.map(([what, char, singleLine, multiline]) => ({ what, char, singleLine, multiline }));
    it.each(rows)('$what: allowed on one line $singleLine, in a multi-line text $multiline', ({ char, singleLine, multiline }) => {
      for (const value of [char, `a${char}`, `${char}z`, `Zoë ${char} Müller`]) {
        expect(rule()(value, false), `${hex(value)} on one line`).toBe(singleLine);
        expect(rule()(value, true), `${hex(value)} multi-line`).toBe(multiline);
      }
    });

    it('the empty string and ordinary text of many scripts are plain text', () => {
      for (const value of ['', 'Ada Lovelace', 'Łódź', '日本語', 'مرحبا', 'नमस्ते', 'ශ්‍රී', 'a'.repeat(100_000)]) {
        expect(rule()(value, false), value.slice(0, 20)).toBe(true);
      }
    });

    it('"Bob\\u202Egnp.exe" (shown as "Bobexe.png") is refused', () => {
      expect(rule()('Bob\u202Egnp.exe', false)).toBe(false);
      expect(rule()('Bob\u202Egnp.exe', true)).toBe(false);
    });

    // Linear time by counting, not by the clock: a few passes, each a pattern with no quantifier,
    // which reads each character a bounded number of times (nothing to backtrack over).
    it('a refused character at the very end of a long text is found, in a few quantifier-free passes', () => {
      const long = 'é'.repeat(200_000);
      const exec = vi.spyOn(RegExp.prototype, 'exec');
      try {
        expect(rule()(`${long}\u202E`, true)).toBe(false);
        expect(rule()(`${long}\uD83D`, true)).toBe(false);
        expect(rule()(`\uDE00${long}`, true)).toBe(false);
        expect(rule()(long, true)).toBe(true);
        const patterns = exec.mock.contexts.map((pattern) => (pattern as RegExp).source);
        expect(patterns.length).toBeLessThanOrEqual(4 * 3);
        expect(patterns.filter((source) => /[*+?{]/.test(withoutClassesAndLookarounds(source)))).toEqual([]);
      } finally {
        exec.mockRestore();
      }
    });
  });
}

describeRule('isPlainText', () => isPlainText);

describe('without String.prototype.isWellFormed (browsers before 2023)', () => {
  let fallback: Rule = () => {
    throw new Error('not loaded');
  };
  const descriptor = Object.getOwnPropertyDescriptor(String.prototype, 'isWellFormed');
  beforeAll(async () => {
    delete (String.prototype as { isWellFormed?: unknown }).isWellFormed;
    vi.resetModules();
    fallback = (await import('../../src/identity/text.js')).isPlainText;
  });
  afterAll(() => {
    if (descriptor) Object.defineProperty(String.prototype, 'isWellFormed', descriptor);
    vi.resetModules();
  });
  describeRule('the regex fallback agrees', () => fallback);
});

describe('toPlainText: our own text around untrusted parts', () => {
  it('replaces each refused character and each lone surrogate with U+FFFD', () => {
    expect(toPlainText('key "a\u0000b\u202Ec\uD83D" dropped')).toBe('key "a\uFFFDb\uFFFDc\uFFFD" dropped');
    expect(toPlainText('line\r\nbreak\t')).toBe('line\uFFFD\uFFFDbreak\uFFFD');
  });
  it('leaves plain text (emoji, ZWJ) as it is', () => {
    const text = 'Zoë 👩‍💻 \u200B ok';
    expect(toPlainText(text)).toBe(text);
  });
});

describe('oneLineProblem: identity strings also refuse invisible characters (issue 16 LOW 4)', () => {
  it.each([
    ['U+2028', 'Ada\u2028Lovelace', 'U+2028 (line separator)'],
    ['U+2029', 'Ada\u2029', 'U+2029 (paragraph separator)'],
    ['LRM', '\u200EAda', 'U+200E (left-to-right mark)'],
    ['RLM', 'Ada\u200F', 'U+200F (right-to-left mark)'],
    ['U+FFF9', 'a\uFFF9b', 'U+FFF9 (annotation character)'],
    ['U+FFFB', 'a\uFFFBb', 'U+FFFB (annotation character)'],
    ['U+E0000, the first tag character', 'a\u{E0000}', 'U+E0000 (tag character)'],
    ['a tag letter (hidden ASCII)', 'Ada\u{E0069}\u{E0067}\u{E006E}', 'U+E0069 (tag character)'],
    ['U+E007F, cancel tag', '\u{E007F}', 'U+E007F (tag character)'],
    ['a bidi override', 'Bob\u202Egnp.exe', 'U+202E (bidi control)'],
    ['a line feed', 'Ada\n', 'U+000A (line feed)'],
    ['a lone surrogate', 'Ada\uD83D', 'U+D83D (lone surrogate)'],
  ])('%s is refused and named', (_what, value, named) => {
    expect(oneLineProblem(value)).toBe(named);
  });

  it.each([
    ['plain text of many scripts', 'Zoë Łódź 日本語 مرحبا'],
    ['U+FFF8, just before the annotations', '\uFFF8'],
    ['U+FFFC, just after them', '\uFFFC'],
    ['U+E0080, just after the tags', '\u{E0080}'],
    ['U+200D, ZWJ in an emoji', '👩‍💻'],
    ['a subdivision flag (Scotland): its tags render as a visible flag', 'Ada 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}'],
  ])('%s is allowed', (_what, value) => {
    expect(oneLineProblem(value)).toBeUndefined();
  });

  it('a flag forgives only its own tags, and never pairs two lone surrogates around it', () => {
    const flag = '🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}';
    expect(oneLineProblem(`${flag}\u{E0041}`)).toBe('U+E0041 (tag character)');
    expect(oneLineProblem(`🏴\u{E0041}\u{E007F}`)).toBe('U+E0041 (tag character)');
    expect(oneLineProblem(`\uD83D${flag}\uDE00`)).toBe('U+D83D (lone surrogate)');
  });

  it('page titles and message bodies keep the SPEC §6 rule: LRM and U+2028 stay allowed there', () => {
    expect(isPlainText('\u200Fשלום', false)).toBe(true);
    expect(isPlainText('a\u2028b', true)).toBe(true);
  });
});
