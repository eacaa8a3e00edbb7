/**
 * SPEC §6: the plain-text rule shared by message bodies, page titles and URLs,
 * identity strings and extra values. Refused: C0 controls (a multi-line text
 * keeps tab, line feed and carriage return), DEL, C1 controls (U+0080–U+009F),
 * lone surrogates, and the bidi embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069) that make `"Bob\u202Egnp.exe"` show as
 * "Bobexe.png" in the agent view.
 *
 * Zero-width characters (U+200B–U+200D, U+FEFF) are allowed on purpose: the
 * SPEC does not list them, and U+200D (ZWJ) is part of emoji sequences and of
 * the ordinary spelling of several scripts (Devanagari, Sinhala, Arabic).
 */

const SINGLE_LINE_REFUSED = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const MULTILINE_REFUSED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
/** The refused characters and every surrogate: text with none of them (most text) is decided by one scan. */
const SINGLE_LINE_SUSPECT = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/;
const MULTILINE_SUSPECT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Every refused character and every lone surrogate, for `toPlainText`. */
const REFUSED_OR_LONE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/*
 * String.prototype.isWellFormed (ES2024: Node 20, browsers since 2023; our
 * tsconfig lib is ES2022, hence the cast). On text with non-ASCII letters it is
 * 2–3× faster than the lookaround regex, which stays as the fallback for older
 * browsers. Both are linear: every lookaround reads one code unit.
 */
const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

function isWellFormed(value: string): boolean {
  return nativeIsWellFormed ? nativeIsWellFormed.call(value) : !LONE_SURROGATE.test(value);
}

/**
 * Whether `value` is plain text under SPEC §6. `multiline` allows tab, line
 * feed and carriage return (message bodies); identity strings and page
 * titles and URLs are single-line and allow no C0 character at all.
 *
 * Linear time, and one character-class scan for text without surrogates:
 * 21 ns for a short name rather than 29 ns with the two checks every time,
 * 0.6 ns per character of long ASCII text (Node 20.20). Text with an emoji
 * or another astral character takes the two exact checks.
 */
export function isPlainText(value: string, multiline: boolean): boolean {
  if (!(multiline ? MULTILINE_SUSPECT : SINGLE_LINE_SUSPECT).test(value)) return true;
  return !(multiline ? MULTILINE_REFUSED : SINGLE_LINE_REFUSED).test(value) && isWellFormed(value);
}

/**
 * `value` with every character `isPlainText(value, false)` refuses (and every
 * lone surrogate) replaced by U+FFFD: for text we write ourselves around
 * untrusted parts, such as a warning that quotes a refused key.
 */
export function toPlainText(value: string): string {
  return isPlainText(value, false) ? value : value.replace(REFUSED_OR_LONE, '\uFFFD');
}
