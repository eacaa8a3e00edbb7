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

function store(): Storage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}

export const safeStorage: SafeStorage = {
  get(key) {
    try {
      return store()?.getItem(key) ?? null;
    } catch {
      return null;
    }
  },
  set(key, value) {
    try {
      store()?.setItem(key, value);
    } catch {
      // Quota or policy: the value simply does not persist.
    }
  },
};
