import { AUTOMATED_UUID_PATTERN } from '../../identity/protocol.js';
import { randomId } from '../support/ids.js';
import { safeStorage } from '../support/storage.js';

/** SPEC §2: one browser stays one anonymous visitor, across pages and tabs. */
export const AUTOMATED_UUID_KEY = 'chatq:uuid';

/** The stored automated uuid, or a new one (stored when storage works). */
export function loadAutomatedUuid(): string {
  const stored = safeStorage.get(AUTOMATED_UUID_KEY);
  if (stored && AUTOMATED_UUID_PATTERN.test(stored)) return stored;
  return saveAutomatedUuid(randomId());
}

export function saveAutomatedUuid(value: string): string {
  safeStorage.set(AUTOMATED_UUID_KEY, value);
  return value;
}
