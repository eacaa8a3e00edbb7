import { vi } from 'vitest';

/**
 * Makes the browser's own `document[name]` (the getter on the document's prototype chain,
 * which support/document.ts reads) return `get()`: what happy-dom cannot set itself (a
 * running script, a hidden tab). Undone by `vi.restoreAllMocks()`.
 */
export function stubDocumentGetter<K extends keyof Document>(name: K, get: () => Document[K]): void {
  let proto = Object.getPrototypeOf(document) as Document;
  while (!Object.hasOwn(proto, name)) proto = Object.getPrototypeOf(proto) as Document;
  vi.spyOn(proto, name as never, 'get').mockImplementation(get as never);
}
