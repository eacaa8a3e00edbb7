/** Seconds per unit of a lifetime string ('90s', '90m', '2h', '1d'). */
const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const LIFETIME = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/;

/**
 * A token lifetime in whole seconds: a number of seconds, or a string such as
 * '3600', '90m', '2h', '1d'. Throws a RangeError for anything else, so a typo
 * never becomes a token that dies at once.
 */
export function parseLifetime(value: unknown): number {
  let seconds: number | undefined;
  if (typeof value === 'number') seconds = value;
  else if (typeof value === 'string') {
    const match = LIFETIME.exec(value.trim());
    if (match) seconds = Number(match[1]) * UNITS[match[2] || 's']!;
  }
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) {
    throw new RangeError(
      `lifetime must be a positive number of seconds or a string such as '90m', '2h' or '1d', got ${
        typeof value === 'string' ? JSON.stringify(value.slice(0, 32)) : String(value)
      }.`,
    );
  }
  return Math.floor(seconds);
}
