/**
 * SPEC §6 bound on warnings: a hostile identity (1,400 bad extra values in a
 * 13 KB registration) once produced 1,300 warnings, a 155 KB answer and
 * 270 KB of heap per conversation. A list keeps at most MAX_WARNINGS, then
 * one W_MORE_DROPPED summary, always last, that counts the rest.
 */
import { toPlainText } from './text.js';
import type { IdentityWarning } from './types.js';

/** SPEC §6: warnings kept per identity before the W_MORE_DROPPED summary. */
export const MAX_WARNINGS = 20;
/** SPEC §6: a warning's `path` and `message` are cut to this many characters. */
export const MAX_WARNING_TEXT = 128;
/** Codes are ours (`W_FIELD_DROPPED`); a custom verifier's are cut to this. */
const MAX_CODE = 64;
const MORE_DROPPED = 'W_MORE_DROPPED';
/** The count at the start of a summary's message: the summary carries it, even through JSON. */
const MORE_DROPPED_COUNT = /^(\d{1,15}) more warnings? dropped/;

/** A text, or a function that makes it: a warning that is only counted costs no string building. */
export type WarningText = string | (() => string);

/** Cut to `max` characters; a pair cut in half and any control or bidi character (a quoted key) becomes U+FFFD. */
function cut(text: string, max: number): string {
  return toPlainText(text.length > max ? text.slice(0, max) : text);
}

function summary(count: number): IdentityWarning {
  return {
    code: MORE_DROPPED,
    path: 'warnings',
    message: `${count} more warning${count === 1 ? '' : 's'} dropped (at most ${MAX_WARNINGS} are kept per identity).`,
  };
}

/** How many warnings `warning` stands for: a summary's count, else 1. */
function weight(warning: unknown): number {
  if (typeof warning !== 'object' || warning === null) return 1;
  const { code, message } = warning as { code?: unknown; message?: unknown };
  if (code !== MORE_DROPPED || typeof message !== 'string') return 1;
  const count = Number(MORE_DROPPED_COUNT.exec(message)?.[1]);
  return Number.isSafeInteger(count) && count > 0 ? count : 1;
}

/**
 * Counts `count` more dropped warnings into the summary at MAX_WARNINGS.
 * Entries pushed past the summary without `addWarning` are folded into it.
 */
function countDropped(warnings: IdentityWarning[], count: number): void {
  let dropped = count;
  for (let index = MAX_WARNINGS; index < warnings.length; index++) dropped += weight(warnings[index]);
  warnings.length = MAX_WARNINGS;
  warnings.push(summary(dropped));
}

/**
 * Adds a warning to `warnings` within the SPEC §6 bound: the first
 * MAX_WARNINGS are kept with `path` and `message` cut to MAX_WARNING_TEXT
 * characters; after that only a count is kept, in one W_MORE_DROPPED summary
 * at the end of the list.
 */
export function addWarning(warnings: IdentityWarning[], code: string, path: WarningText, message: WarningText): void {
  if (warnings.length >= MAX_WARNINGS) {
    countDropped(warnings, 1);
    return;
  }
  warnings.push({
    code,
    path: cut(typeof path === 'string' ? path : path(), MAX_WARNING_TEXT),
    message: cut(typeof message === 'string' ? message : message(), MAX_WARNING_TEXT),
  });
}

function readWarning(entry: unknown): IdentityWarning | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  try {
    const { code, path, message } = entry as Record<string, unknown>;
    return {
      code: typeof code === 'string' && code !== '' ? cut(code, MAX_CODE) : 'W_WARNING',
      path: typeof path === 'string' ? cut(path, MAX_WARNING_TEXT) : '',
      message: typeof message === 'string' ? cut(message, MAX_WARNING_TEXT) : '',
    };
  } catch {
    // A getter that throws: not a warning anyone can read.
    return undefined;
  }
}

/**
 * The SPEC §6 bound applied to warnings from anywhere (a custom verifier, a
 * remote service): at most MAX_WARNINGS `{ code, path, message }` entries of
 * strings cut to MAX_WARNING_TEXT characters, then one W_MORE_DROPPED summary.
 * Anything that is not an array gives `[]`; of the first MAX_WARNINGS entries,
 * those that are not objects are skipped and a field that is not a string
 * becomes `''`. Past them only the length and the last entry are read (a
 * W_MORE_DROPPED summary there keeps its count), so a huge array costs no
 * more than a short one.
 */
export function capWarnings(warnings: unknown): IdentityWarning[] {
  const capped: IdentityWarning[] = [];
  if (!Array.isArray(warnings)) return capped;
  const length = warnings.length;
  const read = Math.min(length, MAX_WARNINGS);
  for (let index = 0; index < read; index++) {
    const warning = readWarning(warnings[index]);
    if (warning) capped.push(warning);
  }
  if (length > read) capped.push(summary(length - read - 1 + weight(readWarning(warnings[length - 1]))));
  return capped;
}
