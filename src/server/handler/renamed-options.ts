/**
 * Options renamed in 0.3.0 (issue 21 item 5: one meaning per name), read
 * under their old name for one release: the value is used, and a warning
 * naming the new one is written once per process and name. An option given
 * under both names is a mistake, refused (which one was meant?).
 * CHANGELOG.md lists each; the next minor release refuses the old names.
 */
import { MessagingConfigError } from '../errors.js';

export interface Renamed {
  /** Who reads it, e.g. `createMessagingHandler` or `toNodeListener`. */
  readonly where: string;
  readonly from: string;
  readonly to: string;
  /** Why the name changed, for the warning. */
  readonly why: string;
}

const warned = new Set<string>();

/** The value under the new name, else under the old one (warned once); throws when both are given. */
export function readRenamed<T>(options: Record<string, unknown>, renamed: Renamed, warn: (message: string) => void): T | undefined {
  const now = options[renamed.to];
  const old = options[renamed.from];
  if (old === undefined) return now as T | undefined;
  if (now !== undefined) {
    throw new MessagingConfigError(renamed.from, `${renamed.where}: give ${renamed.to} only; ${renamed.from} is its old name (0.2).`);
  }
  const key = `${renamed.where}.${renamed.from}`;
  if (!warned.has(key)) {
    warned.add(key);
    warn(`chatq: ${renamed.where}'s ${renamed.from} is now ${renamed.to} (${renamed.why}); the old name works until 0.4.`);
  }
  return old as T;
}
