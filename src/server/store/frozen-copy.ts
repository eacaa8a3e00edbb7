/**
 * A copy of JSON data, frozen all the way down, with the length of its JSON
 * text: what `JSON.parse(JSON.stringify(value))` and a deep freeze give, in
 * one walk. The memory store keeps every identity this way (no caller can
 * change what is stored, and its size counts against the byte budget); the
 * three passes it replaces were 5 µs of every sign-in under load (issue 22
 * item 1), the walk less than half of that (3.2 → 1.4 µs in a loop).
 *
 * Whatever the walk could copy differently from the JSON round trip takes
 * that round trip instead, so the result is always the same:
 * - a `toJSON`, a Date, a Map or any other object that is not a plain object or array;
 * - a number JSON writes otherwise (NaN, ±Infinity, -0), a bigint, a hole in an array;
 * - an undefined, function or symbol item in an array (JSON writes null);
 * - a key that names something on Object.prototype (`__proto__`, or an accessor a
 *   dependency added: JSON.parse defines the property, an assignment would call it);
 * - a value nested deeper than 64 levels, and so any cycle (JSON.stringify throws).
 */
export function frozenJsonCopy<T>(value: T): { copy: T; jsonLength: number } {
  // Saved and restored: a getter in `value` may itself copy something (the walk reads every member).
  const outer = length;
  length = 0;
  let copy: unknown;
  let counted: number;
  try {
    copy = copyValue(value, 0);
  } finally {
    counted = length;
    length = outer;
  }
  if (copy !== ROUND_TRIP && copy !== OMITTED) return { copy: copy as T, jsonLength: counted };
  const json = JSON.stringify(value);
  return { copy: deepFreeze(JSON.parse(json) as T), jsonLength: json.length };
}

/** Freezes `value` and everything in it (the JSON round trip's result, fresh objects only). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The walk cannot copy this value exactly as JSON would: take the round trip. */
const ROUND_TRIP = Symbol('round trip');
/** An object member JSON leaves out (undefined, a function, a symbol). */
const OMITTED = Symbol('omitted');
const MAX_DEPTH = 64;
/** Text JSON writes with escapes (quotes, backslashes, control characters, surrogates): measured by JSON itself. */
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Characters of JSON text counted so far in the current walk (the walk is synchronous). */
let length = 0;

function copyValue(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      length += textLength(value);
      return value;
    case 'number':
      if (!Number.isFinite(value) || Object.is(value, -0)) return ROUND_TRIP;
      length += String(value).length;
      return value;
    case 'boolean':
      length += value ? 4 : 5;
      return value;
    case 'object':
      if (value === null) {
        length += 4;
        return null;
      }
      if (depth >= MAX_DEPTH) return ROUND_TRIP;
      return Array.isArray(value) ? copyArray(value, depth + 1) : copyObject(value, depth + 1);
    case 'bigint':
      return ROUND_TRIP;
    default:
      return OMITTED;
  }
}

function copyArray(array: unknown[], depth: number): unknown {
  if (Object.getPrototypeOf(array) !== Array.prototype || hasToJson(array)) return ROUND_TRIP;
  const copy: unknown[] = [];
  length += array.length > 0 ? array.length + 1 : 2;
  for (let i = 0; i < array.length; i++) {
    if (!Object.hasOwn(array, i)) return ROUND_TRIP;
    const item = copyValue(array[i], depth);
    if (item === ROUND_TRIP || item === OMITTED) return ROUND_TRIP;
    copy.push(item);
  }
  return Object.freeze(copy);
}

function copyObject(object: object, depth: number): unknown {
  const prototype: unknown = Object.getPrototypeOf(object);
  if ((prototype !== Object.prototype && prototype !== null) || hasToJson(object)) return ROUND_TRIP;
  const copy: Record<string, unknown> = {};
  let members = 0;
  for (const key of Object.keys(object)) {
    if (key in Object.prototype) return ROUND_TRIP;
    const item = copyValue((object as Record<string, unknown>)[key], depth);
    if (item === ROUND_TRIP) return ROUND_TRIP;
    if (item === OMITTED) continue;
    copy[key] = item;
    length += textLength(key) + 1;
    members++;
  }
  length += members > 0 ? members + 1 : 2;
  return Object.freeze(copy);
}

function hasToJson(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

function textLength(text: string): number {
  return ESCAPED.test(text) ? JSON.stringify(text).length : text.length + 2;
}
