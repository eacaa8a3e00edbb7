import { RecencySet } from './recency-set.js';

/**
 * Which client address (the handler's address key: IPv4, or an IPv6 /64)
 * made each conversation, for the memory store's per-address quota and its
 * eviction order under pressure (issue 16 HIGH 3): one address must not be
 * able to fill the store, and when it is full the addresses holding the most
 * give back first.
 *
 * Every question is answered without a scan (issue 22): each owner's entries
 * are kept least recently active first (a RecencySet; `touch` moves an entry
 * to the end), its empty ones in a second RecencySet in the same order, and
 * owners are bucketed by how many entries they hold. A scan of the owner's
 * 100 conversations on every sign-in at the quota cost ~9 µs.
 */
export class Owners<T extends { owner: string }> {
  /** Per owner: its entries, least recently active first. */
  readonly #held = new Map<string, RecencySet<T>>();
  /** Per owner: its entries nobody wrote in yet, least recently active first. */
  readonly #empty = new Map<string, RecencySet<T>>();
  /** Owners by the number of entries they hold (count → owners), and the largest count with an owner. */
  readonly #byCount = new Map<number, Set<string>>();
  #most = 0;

  /** A new entry: it holds nothing yet, and is the owner's most recently active. */
  add(entry: T): void {
    const held = this.#held.get(entry.owner);
    if (held) held.add(entry);
    else this.#held.set(entry.owner, new RecencySet<T>().add(entry));
    const empty = this.#empty.get(entry.owner);
    if (empty) empty.add(entry);
    else this.#empty.set(entry.owner, new RecencySet<T>().add(entry));
    this.#recount(entry.owner, this.count(entry.owner) - 1);
  }

  remove(entry: T): void {
    const held = this.#held.get(entry.owner);
    if (!held?.delete(entry)) return;
    if (held.size === 0) this.#held.delete(entry.owner);
    this.#filled(entry);
    this.#recount(entry.owner, held.size + 1);
  }

  /** The entry was active: it becomes its owner's most recently active. */
  touch(entry: T): void {
    if (!this.#held.get(entry.owner)?.renew(entry)) return;
    this.#empty.get(entry.owner)?.renew(entry);
  }

  /** Someone wrote in the entry: it is no longer empty. */
  filled(entry: T): void {
    this.#filled(entry);
  }

  count(owner: string): number {
    return this.#held.get(owner)?.size ?? 0;
  }

  /** The owner's least recently active entry nobody wrote in, if any. */
  oldestEmpty(owner: string): T | undefined {
    return this.#empty.get(owner)?.first();
  }

  /**
   * The owner's least recently active entry other than `keep`, if `idle` says
   * it may go. Entries are in order of activity, so when that one is not idle
   * none after it is.
   */
  oldestIdle(owner: string, idle: (entry: T) => boolean, keep?: T): T | undefined {
    for (const entry of this.#held.get(owner) ?? []) {
      if (entry === keep) continue;
      return idle(entry) ? entry : undefined;
    }
    return undefined;
  }

  /** The least recently active idle entry (other than `keep`) of the owner holding the most that has one. */
  fromBusiest(idle: (entry: T) => boolean, keep?: T): T | undefined {
    for (let count = this.#most; count > 0; count--) {
      for (const owner of this.#byCount.get(count) ?? []) {
        const found = this.oldestIdle(owner, idle, keep);
        if (found) return found;
      }
    }
    return undefined;
  }

  #filled(entry: T): void {
    const empty = this.#empty.get(entry.owner);
    if (!empty?.delete(entry)) return;
    if (empty.size === 0) this.#empty.delete(entry.owner);
  }

  /** Moves `owner` from the bucket of `before` entries to the bucket of its count now. */
  #recount(owner: string, before: number): void {
    const bucket = this.#byCount.get(before);
    if (bucket?.delete(owner) && bucket.size === 0) this.#byCount.delete(before);
    const now = this.count(owner);
    if (now > 0) {
      const into = this.#byCount.get(now);
      if (into) into.add(owner);
      else this.#byCount.set(now, new Set([owner]));
    }
    if (now > this.#most) this.#most = now;
    while (this.#most > 0 && !this.#byCount.has(this.#most)) this.#most--;
  }
}
