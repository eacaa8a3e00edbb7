/**
 * A tiny typed event emitter. A listener that throws never breaks the chat or other listeners.
 * The map of listener sets itself: its `clear()` (the ESM entry's `destroy()`) costs loader.js nothing.
 */
export class Emitter<Events extends { [K in keyof Events]: object }> extends Map<keyof Events, Set<(data: never) => void>> {
  on<K extends keyof Events>(name: K, fn: (data: Events[K]) => void): () => void {
    let set = this.get(name);
    if (!set) this.set(name, (set = new Set()));
    set.add(fn);
    return () => void set.delete(fn);
  }

  emit<K extends keyof Events>(name: K, data: Omit<Events[K], 'event'>): void {
    const payload = { ...data, event: name } as unknown as never;
    for (const fn of [...(this.get(name) ?? [])]) {
      try {
        fn(payload);
      } catch (error) {
        console.error(`chatq: ${name as string} listener threw`, error);
      }
    }
  }
}
