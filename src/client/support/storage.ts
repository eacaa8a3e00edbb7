/**
 * localStorage that never throws. Private browsing, blocked cookies and
 * sandboxed iframes make `localStorage` (or merely reading the property)
 * throw a SecurityError; the chat must keep working without persistence.
 * Only the automated uuid is ever stored — never the JWT, the session or
 * the conversation (SPEC §5).
 */
export interface SafeStorage {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

export const safeStorage: SafeStorage = {
  get(key) {
    try {
      return localStorage.getItem(key);
    } catch {
      // Blocked, or no localStorage at all (a ReferenceError outside a browser).
      return null;
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
