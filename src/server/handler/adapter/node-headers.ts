/**
 * NodeRequest's `headers` (node-request.ts): a real Headers (instanceof holds,
 * every member works) that answers `get` and `has` from llhttp's raw header
 * list in place, and copies that list into itself only when something else
 * is asked (iteration, append, set, delete, getSetCookie, a copy).
 *
 * Why: the handler reads a few headers per request (Origin, Content-Type,
 * Authorization, …). Copying every field into a Headers cost ~3 µs a request,
 * and an open stream kept the copy (~0.5 KB of heap each, bench/streams.mjs).
 */
export class NodeHeaders extends Headers {
  /** The raw list while nothing has been copied; undefined once this Headers holds the fields itself. */
  #raw: readonly string[] | undefined;

  constructor(raw: readonly string[]) {
    super();
    this.#raw = raw;
  }

  override get(name: string): string | null {
    const wanted = this.#raw && lowerToken(name);
    if (wanted) return rawField(this.#raw!, wanted);
    this.#copy();
    return super.get(name);
  }

  override has(name: string): boolean {
    const wanted = this.#raw && lowerToken(name);
    if (wanted) return rawField(this.#raw!, wanted) !== null;
    this.#copy();
    return super.has(name);
  }

  override append(name: string, value: string): void {
    this.#copy();
    super.append(name, value);
  }

  override set(name: string, value: string): void {
    this.#copy();
    super.set(name, value);
  }

  override delete(name: string): void {
    this.#copy();
    super.delete(name);
  }

  override getSetCookie(): string[] {
    this.#copy();
    return super.getSetCookie();
  }

  override forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    this.#copy();
    super.forEach(callback, thisArg);
  }

  override entries(): HeadersIterator<[string, string]> {
    this.#copy();
    return super.entries();
  }

  override keys(): HeadersIterator<string> {
    this.#copy();
    return super.keys();
  }

  override values(): HeadersIterator<string> {
    this.#copy();
    return super.values();
  }

  // undici reads a Headers it is given (new Headers(h), new Request(url, { headers: h })) through this
  // when it is not its own `entries`: so a copy sees every field.
  override [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.entries();
  }

  /**
   * rawHeaders keeps duplicates apart, so `append` joins them exactly as a
   * fetch Request would (IncomingMessage.headers drops some duplicates instead).
   * llhttp has already refused names and values a Headers object would refuse;
   * should one slip through it is left out rather than failing the request.
   */
  #copy(): void {
    const raw = this.#raw;
    if (!raw) return;
    this.#raw = undefined;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      try {
        super.append(raw[i]!, raw[i + 1]!);
      } catch {
        // not a valid field for fetch: skipped (see above)
      }
    }
  }
}

/** A valid field name (RFC 9110 token); anything else goes to Headers itself, which refuses it as fetch does. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The names the handler asks for ('Origin', 'Content-Type', …: a few constants), checked and
 * lower-cased once rather than on every read. Bounded, whatever a caller asks.
 */
const LOWERED = new Map<string, string>();
const LOWERED_MAX = 64;

/** `name` in lower case when it is a valid field name, else undefined. */
function lowerToken(name: string): string | undefined {
  const known = LOWERED.get(name);
  if (known !== undefined) return known;
  if (!TOKEN.test(name)) return undefined;
  const lower = name.toLowerCase();
  if (LOWERED.size < LOWERED_MAX) LOWERED.set(name, lower);
  return lower;
}

/**
 * What the copied Headers' `get(name)` answers: every field of that name (any
 * case) joined with ", " in arrival order (llhttp has already trimmed the values).
 * `wanted` is the name in lower case.
 */
function rawField(raw: readonly string[], wanted: string): string | null {
  let value: string | null = null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const field = raw[i]!;
    if (field.length !== wanted.length || (field !== wanted && field.toLowerCase() !== wanted)) continue;
    value = value === null ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
  }
  return value;
}
