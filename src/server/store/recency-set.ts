/** A value's place in a RecencySet's order. */
interface Place<T> {
  readonly value: T;
  older: Place<T> | undefined;
  newer: Place<T> | undefined;
}

/**
 * A set kept in order of activity, least recent first, whose least recent
 * value is found at once however many were removed before it.
 *
 * A JavaScript Set or Map keeps insertion order too, but V8 leaves a hole for
 * each deleted value until it rebuilds the table, and iteration starts by
 * walking past every hole at the front. A store at its cap deletes from the
 * front on every sign-in, so reading its oldest value walked past up to
 * thousands of holes: 14 µs a sign-in instead of 5 for a memory store of
 * 10,000 conversations (issue 22). Here the order is a linked list (a removal
 * leaves nothing behind) and a Map, only ever looked up, finds a value's place.
 */
export class RecencySet<T> {
  readonly #places = new Map<T, Place<T>>();
  #oldest: Place<T> | undefined;
  #newest: Place<T> | undefined;

  get size(): number {
    return this.#places.size;
  }

  has(value: T): boolean {
    return this.#places.has(value);
  }

  /** Adds `value` as the most recent; a value already held keeps its place (as Set.add). */
  add(value: T): this {
    if (this.#places.has(value)) return this;
    const place: Place<T> = { value, older: this.#newest, newer: undefined };
    if (this.#newest) this.#newest.newer = place;
    else this.#oldest = place;
    this.#newest = place;
    this.#places.set(value, place);
    return this;
  }

  /** Removes `value`; whether it was held. */
  delete(value: T): boolean {
    const place = this.#places.get(value);
    if (!place) return false;
    this.#places.delete(value);
    this.#unlink(place);
    return true;
  }

  /** Makes a held `value` the most recent; whether it was held. */
  renew(value: T): boolean {
    const place = this.#places.get(value);
    if (!place) return false;
    if (place === this.#newest) return true;
    this.#unlink(place);
    place.older = this.#newest;
    place.newer = undefined;
    this.#newest!.newer = place;
    this.#newest = place;
    return true;
  }

  /** The least recent value, if any. */
  first(): T | undefined {
    return this.#oldest?.value;
  }

  /** The values, least recent first. The value just given may be deleted before the next is asked for; nothing else may change meanwhile. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let place = this.#oldest; place; ) {
      const next = place.newer;
      yield place.value;
      place = next;
    }
  }

  #unlink(place: Place<T>): void {
    if (place.older) place.older.newer = place.newer;
    else this.#oldest = place.newer;
    if (place.newer) place.newer.older = place.older;
    else this.#newest = place.older;
  }
}
