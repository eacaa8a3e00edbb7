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
 *
 * Identity strings are stricter still (`oneLineProblem`, below).
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

/*
 * Identity strings (names, ids, extra values) refuse more than page titles and
 * message bodies do (issue 16 LOW 4), characters an agent cannot see that
 * change what they read or that carry hidden text:
 * - U+2028/U+2029, line and paragraph separators: a second line in a one-line field;
 * - U+200E/U+200F, LRM and RLM: they reorder what is around them as the
 *   embeddings do, just one character at a time;
 * - U+FFF9–U+FFFB, interlinear annotations: text that renders as nothing or as a ruby gloss;
 * - U+E0000–U+E007F, tag characters: invisible ASCII, the "ASCII smuggling"
 *   of hidden instructions. Only the one use of them in real text is kept:
 *   a subdivision flag (🏴 + 2 tag letters + 1–3 tag letters or digits + cancel
 *   tag, e.g. the flag of Scotland), which renders as a visible flag.
 * Page titles keep LRM/RLM (right-to-left sites put them there), and message
 * bodies are free text, so both keep the SPEC §6 rule above.
 */
const ONE_LINE_EXTRA = /[\u2028\u2029\u200E\u200F\uFFF9-\uFFFB]|\uDB40[\uDC00-\uDC7F]/;
const SUBDIVISION_FLAG = /\uD83C\uDFF4(?:\uDB40[\uDC61-\uDC7A]){2}(?:\uDB40[\uDC30-\uDC39\uDC61-\uDC7A]){1,3}\uDB40\uDC7F/g;
/**
 * Every character `oneLineProblem` may refuse, and every surrogate (a lone one
 * is refused; a tag character is a pair): text with none of them, most names,
 * ids and values, is decided by this one scan rather than the two of
 * `isPlainText` and ONE_LINE_EXTRA (16 ns rather than 25 ns for a short name,
 * Node 24, CPU time).
 */
const ONE_LINE_SUSPECT = /[\u0000-\u001F\u007F-\u009F\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069\uD800-\uDFFF\uFFF9-\uFFFB]/;
/**
 * Printable ASCII (U+0020–U+007E) holds none of the refused characters. A loop
 * over a short string ("Ada", "gold") answers in 5 ns where a regex call costs
 * 16 ns, most of it entering the regex; from about 12 characters the regex's
 * scan is the faster (Node 24, CPU time).
 */
const SHORT = 10;
function isPrintableAscii(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}
const ANY_REFUSED = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u2028\u2029\u200E\u200F\uFFF9-\uFFFB]|\uDB40[\uDC00-\uDC7F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const NAMES: Record<number, string> = {
  0x09: 'tab', 0x0a: 'line feed', 0x0d: 'carriage return', 0x7f: 'delete',
  0x2028: 'line separator', 0x2029: 'paragraph separator', 0x200e: 'left-to-right mark', 0x200f: 'right-to-left mark',
};

/** "U+2028 (line separator)": the character named as an agent or a developer can look it up. */
function nameOf(char: string): string {
  const code = char.length === 1 ? char.charCodeAt(0) : char.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (char.length === 1 && code >= 0xd800 && code <= 0xdfff) return `${hex} (lone surrogate)`;
  const kind = NAMES[code]
    ?? (code <= 0x9f ? 'control character' : code >= 0xe0000 ? 'tag character' : code >= 0xfff9 ? 'annotation character' : 'bidi control');
  return `${hex} (${kind})`;
}

/**
 * Why `value` is not one line of plain text for an identity field, naming the
 * first refused character ("U+2028 (line separator)"), or `undefined` when
 * it is. The SPEC §6 single-line rule (`isPlainText(value, false)`) plus the
 * characters above. Text without any of them (nearly all) takes one scan, or
 * for a short ASCII string a loop; the exact checks run on the rest.
 */
export function oneLineProblem(value: string): string | undefined {
  if (value.length <= SHORT && isPrintableAscii(value)) return undefined;
  if (!ONE_LINE_SUSPECT.test(value)) return undefined;
  const plain = isPlainText(value, false);
  if (plain && !ONE_LINE_EXTRA.test(value)) return undefined;
  // A flag stands in as a plain letter: removing it could pair two lone surrogates around it.
  const found = ANY_REFUSED.exec(value.replace(SUBDIVISION_FLAG, 'x'));
  return found ? nameOf(found[0]) : undefined;
}
