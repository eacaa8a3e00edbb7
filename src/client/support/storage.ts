/**
 * localStorage that never throws. Private browsing, blocked cookies and
 * sandboxed iframes make `localStorage` (or merely reading the property)
 * throw a SecurityError; the chat must keep working without persistence.
 * Only the automated uuid is ever stored — never the JWT, the session or
 * the conversation (SPEC §5).
 */
export interface SafeStorage {
  /** The value, or null or undefined when there is none (or no storage). */
  get(key: string): string | null | undefined;
  set(key: string, value: string): void;
}

export const safeStorage: SafeStorage = {
  get(key) {
    try {
      return localStorage.getItem(key);
    } catch {
      // Blocked, or no localStorage at all (a ReferenceError outside a browser): nothing stored.
    }
  },
  set(key, value) {
    try {
      localStorage.setItem(key, value);
    } catch {
      // Quota or policy: the value simply does not persist.
    }
  },
};
