/**
 * SPEC §2: how a uuid is named — a string as it is, a non-negative safe integer
 * as its decimal string; `undefined` for anything else (absent, empty, another
 * type). The one copy of that rule: the server's `normalizeUuid` then applies
 * the bounds (length, plain text) and words each refusal; the widget uses it
 * alone to tell one visitor from the next (a user switch), leaving the bounds
 * to the server, which refuses such a uuid whatever the widget thought of it.
 */
export function uuidName(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}
