/**
 * Which client address (the handler's address key: IPv4, or an IPv6 /64)
 * made each conversation, for the memory store's per-address quota and its
 * eviction order under pressure (issue 16 HIGH 3): one address must not be
 * able to fill the store, and when it is full the addresses holding the most
 * give back first.
 */
export class Owners<T extends { owner: string; activeAt: number }> {
  readonly #held = new Map<string, Set<T>>();

  add(entry: T): void {
    let set = this.#held.get(entry.owner);
    if (!set) this.#held.set(entry.owner, (set = new Set()));
    set.add(entry);
  }

  remove(entry: T): void {
    const set = this.#held.get(entry.owner);
    if (!set) return;
    set.delete(entry);
    if (set.size === 0) this.#held.delete(entry.owner);
  }

  count(owner: string): number {
    return this.#held.get(owner)?.size ?? 0;
  }

  /** The owner's least recently active entry that `may` allow, if any. */
  oldest(owner: string, may: (entry: T) => boolean): T | undefined {
    let found: T | undefined;
    for (const entry of this.#held.get(owner) ?? []) if (may(entry) && (!found || entry.activeAt < found.activeAt)) found = entry;
    return found;
  }

  /** The least recently active entry that `may` allow, from the owner holding the most that has one. */
  fromBusiest(may: (entry: T) => boolean): T | undefined {
    const busiest = [...this.#held].sort((a, b) => b[1].size - a[1].size);
    for (const [owner] of busiest) {
      const found = this.oldest(owner, may);
      if (found) return found;
    }
    return undefined;
  }
}
