/**
 * A map that keeps at most `max` entries, forgetting the least recently used
 * first: for what an engine learns once and may read again (a conversation's
 * owner, its log's epoch), where what is forgotten is read again, never
 * guessed.
 */
export function createRecentMap<V>(max: number) {
  const entries = new Map<string, V>();
  return {
    get(key: string): V | undefined {
      const value = entries.get(key);
      if (value === undefined) return undefined;
      // The most recently used last: the first in the map is the one to forget.
      entries.delete(key);
      entries.set(key, value);
      return value;
    },
    set(key: string, value: V): void {
      entries.delete(key);
      entries.set(key, value);
      if (entries.size > max) entries.delete(entries.keys().next().value!);
    },
    get size(): number {
      return entries.size;
    },
  };
}
