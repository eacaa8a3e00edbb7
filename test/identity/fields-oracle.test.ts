/**
 * normalizeIdentityData and oneLineProblem were made cheaper per token (issue
 * 22: the verifier runs them for every verification, cached or not) without
 * changing any outcome. These properties hold them to the code they replaced,
 * copied below as it was (the oracle, kept here only): on random identities,
 * the same accepted values, the same refusals (code, message, path), the same
 * warnings, in the same order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addWarning, IdentityError, LIMITS, normalizeIdentityData, type IdentityWarning, type PredefinedField } from '../../src/identity/index.js';
import { oneLineProblem } from '../../src/identity/text.js';
import { uuidName } from '../../src/identity/uuid.js';

// ---- The oracle: src/identity/text.ts and fields.ts before issue 22 (the parts that changed, and what they call). ----

const SINGLE_LINE_REFUSED = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const SINGLE_LINE_SUSPECT = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ONE_LINE_EXTRA = /[\u2028\u2029\u200E\u200F\uFFF9-\uFFFB]|\uDB40[\uDC00-\uDC7F]/;
const SUBDIVISION_FLAG = /\uD83C\uDFF4(?:\uDB40[\uDC61-\uDC7A]){2}(?:\uDB40[\uDC30-\uDC39\uDC61-\uDC7A]){1,3}\uDB40\uDC7F/g;
const ANY_REFUSED = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u2028\u2029\u200E\u200F\uFFF9-\uFFFB]|\uDB40[\uDC00-\uDC7F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NAMES: Record<number, string> = {
  0x09: 'tab', 0x0a: 'line feed', 0x0d: 'carriage return', 0x7f: 'delete',
  0x2028: 'line separator', 0x2029: 'paragraph separator', 0x200e: 'left-to-right mark', 0x200f: 'right-to-left mark',
};

function oldIsPlainText(value: string): boolean {
  if (!SINGLE_LINE_SUSPECT.test(value)) return true;
  return !SINGLE_LINE_REFUSED.test(value) && !LONE_SURROGATE.test(value);
}

function oldNameOf(char: string): string {
  const code = char.length === 1 ? char.charCodeAt(0) : char.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (char.length === 1 && code >= 0xd800 && code <= 0xdfff) return `${hex} (lone surrogate)`;
  const kind = NAMES[code]
    ?? (code <= 0x9f ? 'control character' : code >= 0xe0000 ? 'tag character' : code >= 0xfff9 ? 'annotation character' : 'bidi control');
  return `${hex} (${kind})`;
}

function oldOneLineProblem(value: string): string | undefined {
  const plain = oldIsPlainText(value);
  if (plain && !ONE_LINE_EXTRA.test(value)) return undefined;
  const found = ANY_REFUSED.exec(value.replace(SUBDIVISION_FLAG, 'x'));
  return found ? oldNameOf(found[0]) : undefined;
}

const STRING_FIELDS = ['screenname', 'firstname', 'lastname', 'company'] as const;
const UNKNOWN_FIELD = `unknown field ignored; identity fields are ${[...STRING_FIELDS, 'email', 'avatar_url', 'uuid', 'extra_values'].join(', ')}.`;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const EXTRA_VALUE_KEY = /^[A-Za-z0-9_.-]{1,64}$/;
const TOO_MANY_EXTRA_VALUES = `dropped: at most ${LIMITS.extraValueKeys} extra values are kept.`;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;

function notPlainText(character: string): string {
  return `dropped: ${character}: one line of plain text has no control characters, bidi controls or tags.`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

function invalid(path: string, message: string): IdentityError {
  return new IdentityError('ERR_IDENTITY_INVALID', `${path}: ${message}`, { path });
}

function isKnownKey(key: string, path: 'identity' | 'payload'): boolean {
  switch (key) {
    case 'screenname': case 'firstname': case 'lastname': case 'company':
    case 'email': case 'avatar_url': case 'uuid': case 'extra_values':
      return true;
    case 'exp': case 'nbf': case 'iat': case 'iss': case 'aud': case 'sub': case 'jti':
      return path === 'payload';
    default:
      return false;
  }
}

function oldNormalizeUuid(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const name = uuidName(value);
  if (name === undefined) {
    throw typeof value === 'number'
      ? invalid(path, `a numeric uuid must be a non-negative integer, got ${value}. Send it as a string.`)
      : invalid(path, `must be a string or an integer, got ${typeName(value)}.`);
  }
  if (typeof value === 'number') return name;
  if (name.length > LIMITS.uuid) {
    throw invalid(path, `must be at most ${LIMITS.uuid} characters, got ${name.length}.`);
  }
  const problem = oldOneLineProblem(name);
  if (problem !== undefined) {
    throw invalid(path, `must be one line of plain text (no control characters, no bidi controls, no tags, no lone surrogates), got ${problem}.`);
  }
  return name;
}

function isHttpUrl(value: string): boolean {
  if (value.length > LIMITS.avatarUrl) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password;
  } catch {
    return false;
  }
}

function oldNormalizeExtraValues(value: unknown, path: string, warnings: IdentityWarning[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (value === undefined || value === null) return out;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(path, `must be an object of key → string/number/boolean, got ${typeName(value)}.`);
  }
  let count = 0;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key) || !EXTRA_VALUE_KEY.test(key)) {
      addWarning(
        warnings,
        'W_EXTRA_KEY_INVALID',
        () => `${path}.${key.slice(0, 64)}`,
        'dropped: keys are 1–64 characters A-Z a-z 0-9 _ . - (never __proto__, constructor, prototype).',
      );
      continue;
    }
    const raw = (value as Record<string, unknown>)[key];
    let text: string;
    if (typeof raw === 'string') text = raw;
    else if ((typeof raw === 'number' && Number.isFinite(raw)) || typeof raw === 'boolean') text = String(raw);
    else throw invalid(`${path}.${key}`, `extra values must be strings, finite numbers or booleans, got ${typeName(raw)}.`);
    if (text.length > LIMITS.extraValue) {
      addWarning(warnings, 'W_FIELD_DROPPED', () => `${path}.${key}`, () => `dropped: extra values are at most ${LIMITS.extraValue} characters, got ${text.length}.`);
      continue;
    }
    if (count === LIMITS.extraValueKeys) {
      addWarning(warnings, 'W_FIELD_DROPPED', () => `${path}.${key}`, TOO_MANY_EXTRA_VALUES);
      continue;
    }
    const problem = oldOneLineProblem(text);
    if (problem !== undefined) {
      addWarning(warnings, 'W_FIELD_DROPPED', () => `${path}.${key}`, () => notPlainText(problem));
      continue;
    }
    out[key] = text;
    count++;
  }
  return out;
}

function oldNormalizeIdentityData(data: unknown, path: 'identity' | 'payload', options: { uuidPath?: string } = {}) {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw invalid(path, `identity data must be an object, got ${typeName(data)}.`);
  }
  const record = data as Record<string, unknown>;
  const warnings: IdentityWarning[] = [];
  const fields: Partial<Record<PredefinedField, string>> = {};

  for (const key of Object.keys(record)) {
    if (isKnownKey(key, path)) continue;
    addWarning(warnings, 'W_UNKNOWN_FIELD', () => `${path}.${key.slice(0, 64)}`, UNKNOWN_FIELD);
  }

  for (const name of STRING_FIELDS) {
    if (!Object.hasOwn(record, name)) continue;
    const value = record[name];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') throw invalid(`${path}.${name}`, `must be a string, got ${typeName(value)}.`);
    if (value.length > LIMITS.stringField) {
      addWarning(warnings, 'W_FIELD_DROPPED', `${path}.${name}`, `dropped: at most ${LIMITS.stringField} characters, got ${value.length}.`);
      continue;
    }
    const problem = oldOneLineProblem(value);
    if (problem !== undefined) {
      addWarning(warnings, 'W_FIELD_DROPPED', `${path}.${name}`, notPlainText(problem));
      continue;
    }
    fields[name] = value;
  }

  if (Object.hasOwn(record, 'email') && record.email !== undefined && record.email !== null && record.email !== '') {
    const email = record.email;
    if (typeof email !== 'string') throw invalid(`${path}.email`, `must be a string, got ${typeName(email)}.`);
    const problem = oldOneLineProblem(email);
    if (problem !== undefined) addWarning(warnings, 'W_FIELD_DROPPED', `${path}.email`, notPlainText(problem));
    else if (email.length <= LIMITS.email && EMAIL.test(email)) fields.email = email;
    else addWarning(warnings, 'W_FIELD_DROPPED', `${path}.email`, 'dropped: does not look like an email address (name@example.com).');
  }

  if (Object.hasOwn(record, 'avatar_url') && record.avatar_url !== undefined && record.avatar_url !== null && record.avatar_url !== '') {
    const url = record.avatar_url;
    if (typeof url !== 'string') throw invalid(`${path}.avatar_url`, `must be a string, got ${typeName(url)}.`);
    const problem = oldOneLineProblem(url);
    if (problem !== undefined) addWarning(warnings, 'W_FIELD_DROPPED', `${path}.avatar_url`, notPlainText(problem));
    else if (isHttpUrl(url)) fields.avatar_url = url;
    else {
      addWarning(warnings, 'W_FIELD_DROPPED', `${path}.avatar_url`, `dropped: only https: (or http:) URLs without credentials, at most ${LIMITS.avatarUrl} characters.`);
    }
  }

  const uuid = Object.hasOwn(record, 'uuid') ? oldNormalizeUuid(record.uuid, options.uuidPath ?? `${path}.uuid`) : undefined;
  const extraValues = oldNormalizeExtraValues(
    Object.hasOwn(record, 'extra_values') ? record.extra_values : undefined,
    `${path}.extra_values`,
    warnings,
  );
  return uuid === undefined ? { fields, extraValues, warnings } : { uuid, fields, extraValues, warnings };
}

// ---- Generators: every boundary the checks draw, in short and long strings. ----

const FLAG_OF_SCOTLAND = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}';
/** Each side of every refused range, the characters that stay, and the parts of pairs, alone or together. */
const UNITS = [
  'a', 'Z', '0', ' ', '~', '-', '.', '_', '@', '/', ':', '<', ',', 'é', 'ß', '中', '\u00A0', '\u00A1', '\u200D', '\uFEFF', '😀',
  '\t', '\n', '\r', '\u0000', '\u001F', '\u007F', '\u0080', '\u0085', '\u009F',
  '\u202A', '\u202E', '\u2066', '\u2069', '\u2065', '\u206A', '\u2029', '\u2028', '\u2027', '\u202F', '\u200E', '\u200F', '\u200C', '\u2010',
  '\uFFF9', '\uFFFB', '\uFFF8', '\uFFFC', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uDB40', '\uDB40\uDC41', '\uDB40\uDC7F', '\uDB40\uDC80',
  '\u{E0061}', FLAG_OF_SCOTLAND, '\uD83C\uDFF4',
];
const short = fc.string({ unit: fc.constantFrom(...UNITS), maxLength: 14 });
/** A string of about `length` characters ending in random units: the length bounds (255, 254, 1024, 2048) and the short-string fast path (10). */
const sized = fc
  .tuple(fc.constantFrom(9, 10, 11, 12, 40, 244, 254, 255, 256, 1023, 1024, 1025, 2040), short)
  .map(([length, tail]) => 'b'.repeat(Math.max(0, length - tail.length)) + tail);
const text = fc.oneof({ weight: 4, arbitrary: short }, { weight: 2, arbitrary: sized });
const notGiven = fc.constantFrom(undefined, null, '');
const wrongType = fc.oneof(fc.integer(), fc.boolean(), fc.constantFrom({}, ['x'], [], 1.5, Number.NaN));

const stringValue = fc.oneof({ weight: 6, arbitrary: text }, { weight: 2, arbitrary: notGiven }, { weight: 1, arbitrary: wrongType });
const email = fc.oneof(
  stringValue,
  fc.tuple(text, text, fc.constantFrom('com', 'co.uk', 'c', 'x y', 'é')).map(([local, domain, tld]) => `${local}@${domain}.${tld}`),
  fc.constantFrom('ada@example.com', `${'a'.repeat(240)}@example.com`),
);
const avatarUrl = fc.oneof(
  stringValue,
  fc
    .tuple(fc.constantFrom('https://', 'http://', 'HTTPS://', ' https://', 'https://u:p@', 'javascript:', 'ftp://', '//', ''), text)
    .map(([scheme, rest]) => `${scheme}cdn.example.com/${rest}`),
);
const uuid = fc.oneof(
  stringValue,
  fc.integer({ min: -3, max: 1e9 }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 53, 1.5, -0, Number.POSITIVE_INFINITY),
);
const extraKey = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'Z', '9', '_', '.', '-', ' ', 'é', '$', '\u202E'), maxLength: 66 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '', 'x'.repeat(64), 'x'.repeat(65), 'plan'),
);
const extraValue = fc.oneof(
  { weight: 5, arbitrary: text },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constantFrom(-0, 1e21, 5e-324, -1.5e-7)) },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, {}, [], Number.NaN) },
);
/** An object built as JSON.parse builds one: "__proto__" is an own key, and a repeated key keeps its first place. */
function objectOf(entries: readonly (readonly [string, unknown])[], prototype: object | null = Object.prototype): Record<string, unknown> {
  const object = Object.create(prototype) as Record<string, unknown>;
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}
const extraValues = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.tuple(extraKey, extraValue), { maxLength: 8 }).map((entries) => objectOf(entries)) },
  // Around the 100-value bound, with a few bad ones among them.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 95, max: 106 }), fc.array(fc.tuple(fc.nat(110), extraKey, extraValue), { maxLength: 6 }))
      .map(([count, bad]) => {
        const entries: [string, unknown][] = Array.from({ length: count }, (_, index) => [`k${index}`, `v${index}`]);
        for (const [at, key, value] of bad) entries.splice(at, 0, [key, value]);
        return objectOf(entries);
      }),
  },
  // Past the 20 warnings kept (SPEC §6): many keys, most of them refused.
  { weight: 1, arbitrary: fc.array(fc.tuple(extraKey, extraValue), { minLength: 15, maxLength: 40 }).map((entries) => objectOf(entries)) },
  { weight: 1, arbitrary: fc.oneof(notGiven, wrongType, fc.constant('x')) },
);

const CLAIMS = ['exp', 'nbf', 'iat', 'iss', 'aud', 'sub', 'jti'];
const member = fc.oneof(
  ...(['screenname', 'firstname', 'lastname', 'company'] as const).map((name) => stringValue.map((value) => [name, value] as const)),
  email.map((value) => ['email', value] as const),
  avatarUrl.map((value) => ['avatar_url', value] as const),
  uuid.map((value) => ['uuid', value] as const),
  extraValues.map((value) => ['extra_values', value] as const),
  fc.tuple(fc.constantFrom(...CLAIMS), fc.oneof(fc.integer(), text)),
  fc.tuple(fc.oneof(short, fc.constantFrom('__proto__', 'userId', 'x'.repeat(80), 'constructor')), stringValue),
);
/** Where the object's fields live: own and enumerable (JSON), inherited (never read), or own and not enumerable (still read). */
const KNOWN = ['screenname', 'firstname', 'lastname', 'company', 'email', 'avatar_url', 'uuid', 'extra_values'];
const identity = fc.oneof(
  { weight: 12, arbitrary: fc.array(member, { maxLength: 10 }).map((entries) => objectOf(entries)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.array(member, { maxLength: 6 }), fc.array(member, { maxLength: 4 }), fc.array(member, { maxLength: 3 }))
      .map(([own, inherited, hidden]) => {
        const object = objectOf(own, objectOf(inherited));
        for (const [key, value] of hidden) {
          if (!Object.hasOwn(object, key)) Object.defineProperty(object, key, { value, enumerable: false, configurable: true });
        }
        return object;
      }),
  },
  { weight: 1, arbitrary: fc.array(member, { maxLength: 6 }).map((entries) => objectOf(entries, null)) },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom(null, undefined, 'x', 0, [], [{ firstname: 'A' }]), fc.constant(objectOf([['firstname', 'A']]))) },
);
const options = fc.oneof(fc.constant(undefined), fc.constant({}), fc.constant({ uuidPath: 'jwt.uuid' }));

type Outcome =
  | {
      keys: string[];
      uuid: string | undefined;
      fields: [string, string][];
      fieldsPrototype: boolean;
      extraValues: [string, string][];
      extraPrototype: unknown;
      warnings: (IdentityWarning & { keys: string[] })[];
    }
  | { thrown: { isIdentityError: boolean; name: string; code: string; message: string; path: string | undefined } };

/** Everything an outcome is: the values kept and where (own keys, prototype), or the error's class, code, message and path. */
function outcome(run: () => ReturnType<typeof normalizeIdentityData>): Outcome {
  try {
    const result = run();
    return {
      keys: Object.keys(result),
      uuid: result.uuid,
      fields: Object.entries(result.fields),
      fieldsPrototype: Object.getPrototypeOf(result.fields) === Object.prototype,
      extraValues: Object.entries(result.extraValues),
      extraPrototype: Object.getPrototypeOf(result.extraValues),
      warnings: result.warnings.map((warning) => ({ ...warning, keys: Object.keys(warning) })),
    };
  } catch (error) {
    const { name, code, message, path } = error as IdentityError;
    return { thrown: { isIdentityError: error instanceof IdentityError, name, code, message, path } };
  }
}

/** What a warning says, without the values in it. */
function category(warning: IdentityWarning): string {
  const plain = /^dropped: U\+[0-9A-F]+ \(([^)]*)\)/.exec(warning.message);
  if (plain) return `not plain text: ${plain[1]}`;
  if (warning.code !== 'W_FIELD_DROPPED') return warning.code;
  if (warning.message.startsWith('dropped: extra values are at most')) return 'extra value too long';
  if (warning.message.endsWith('extra values are kept.')) return 'too many extra values';
  if (warning.message.startsWith('dropped: at most')) return 'too long';
  if (warning.message.includes('email')) return 'not an email';
  if (warning.message.includes('URLs')) return 'not an http url';
  return warning.message;
}

describe('the cheaper normalisation decides exactly as the code it replaced (issue 22)', () => {
  it('oneLineProblem names the same character, or none, on random text', () => {
    fc.assert(
      fc.property(fc.oneof(short, sized, fc.string({ unit: 'binary', maxLength: 20 })), (value) => {
        expect(oneLineProblem(value)).toBe(oldOneLineProblem(value));
      }),
      { numRuns: 20_000 },
    );
  });

  it('normalizeIdentityData keeps, drops, warns and refuses as before on random identities', () => {
    fc.assert(
      fc.property(identity, fc.constantFrom('identity', 'payload') as fc.Arbitrary<'identity' | 'payload'>, options, (data, path, given) => {
        expect(outcome(() => normalizeIdentityData(data, path, given))).toEqual(outcome(() => oldNormalizeIdentityData(data, path, given)));
      }),
      { numRuns: 4_000 },
    );
  });

  it('the generators reach every outcome: each field kept, each warning, each refusal', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(identity, (data) => {
        const result = outcome(() => oldNormalizeIdentityData(data, 'payload'));
        if ('thrown' in result) seen.add(`refused ${result.thrown.path?.replace(/^payload\.extra_values\..*/, 'payload.extra_values.KEY')}`);
        else {
          for (const [name] of result.fields) seen.add(`kept ${name}`);
          if (result.uuid !== undefined) seen.add('kept uuid');
          if (result.extraValues.length > 0) seen.add('kept extra value');
          for (const warning of result.warnings) seen.add(category(warning));
        }
      }),
      { numRuns: 4_000, seed: 22 },
    );
    const expected = [
      ...KNOWN.map((name) => `kept ${name}`.replace('kept extra_values', 'kept extra value')),
      ...['payload', ...KNOWN.map((name) => `payload.${name}`), 'payload.extra_values.KEY'].map((path) => `refused ${path}`),
      'W_UNKNOWN_FIELD', 'W_EXTRA_KEY_INVALID', 'W_MORE_DROPPED', 'too long', 'extra value too long', 'too many extra values', 'not an email', 'not an http url',
      ...['tab', 'line feed', 'carriage return', 'delete', 'control character', 'bidi control', 'line separator', 'paragraph separator',
        'left-to-right mark', 'right-to-left mark', 'annotation character', 'tag character', 'lone surrogate'].map((kind) => `not plain text: ${kind}`),
    ];
    expect(expected.filter((line) => !seen.has(line))).toEqual([]);
  });
});
