import { RE2JS } from 're2js';
import { EXTRA_VALUE_KEY, FORBIDDEN_KEYS, PREDEFINED_FIELDS, type PredefinedField } from '../../identity/index.js';
import { checkKnownKeys, describeType, isPlainObject, type Problems } from './problems.js';
import type { CustomFieldConfig, ExtraValueMapping } from './types.js';

const FIELD_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const PREDEFINED = new Set<string>(PREDEFINED_FIELDS);

/**
 * SPEC §3: custom regexes run on visitor values, so they are matched by RE2
 * (re2js), in time linear in value length × program size. The program size is
 * the other factor, hence the caps. Measured (re2js 2.10, Node 20, one core,
 * worst inputs of 1024 characters, the extra value limit): about 11 ms for a
 * 1000-instruction program such as `.*a.{990}` or `(?:a|ab|b)*[ab]{0,450}c`,
 * 20–50 ms at 2000–5000; common patterns compile to 10–650 (`\w{1,255}` is
 * 511). The total caps one request's matching (about 45 ms), whatever the
 * number of fields.
 */
const REGEX_LIMITS = { patternLength: 1024, programSize: 1000, totalProgramSize: 4000 } as const;
const NEEDS_BACKTRACKING = 'backreferences and lookaround need backtracking, which could let one request stall the server; rewrite without them';
/** JavaScript's `\s` (WhiteSpace and LineTerminator); RE2's is only `[\t\n\f\r ]`. */
const JS_SPACE = '\\t\\n\\x{b}\\f\\r\\x{20}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}';
/** Its complement, for `\S` inside a class (RE2 has no class subtraction). */
const JS_NON_SPACE = '\\x{0}-\\x{8}\\x{e}-\\x{1f}\\x{21}-\\x{9f}\\x{a1}-\\x{167f}\\x{1681}-\\x{1fff}\\x{200b}-\\x{2027}\\x{202a}-\\x{202e}\\x{2030}-\\x{205e}\\x{2060}-\\x{2fff}\\x{3001}-\\x{fefe}\\x{ff00}-\\x{10ffff}';
const CONTROL_ESCAPES: Record<string, number> = { f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b };

/** One piece of a translated pattern: RE2 text, the code point it stands for (a single character), or a refusal. */
interface Piece {
  text: string;
  next: number;
  code?: number;
  refused?: string;
}

const hex = (code: number): string => `\\x{${code.toString(16)}}`;
const char = (code: number, next: number): Piece => ({ text: /[0-9A-Za-z]/.test(String.fromCodePoint(code)) ? String.fromCodePoint(code) : hex(code), next, code });
function hexAt(pattern: string, at: number, digits: number): number | undefined {
  const text = pattern.slice(at, at + digits);
  return text.length === digits && /^[0-9A-Fa-f]+$/.test(text) ? parseInt(text, 16) : undefined;
}

/** A `\` escape at `at`, with its JavaScript meaning (no flags, Annex B), written for RE2. */
function translateEscape(pattern: string, at: number, inClass: boolean): Piece {
  const letter = pattern[at + 1] ?? '';
  const next = at + 2;
  if ('dDwW'.includes(letter) || (!inClass && 'bB'.includes(letter))) return { text: `\\${letter}`, next };
  if (letter === 's' || letter === 'S') {
    const set = letter === 's' ? JS_SPACE : JS_NON_SPACE;
    return { text: inClass ? set : `[${set}]`, next };
  }
  if (letter in CONTROL_ESCAPES) return char(CONTROL_ESCAPES[letter]!, next);
  if (inClass && letter === 'b') return char(0x08, next);
  if (letter === '0' && !/[0-9]/.test(pattern[next] ?? '')) return char(0, next);
  if (/[0-9]/.test(letter) && (!inClass || letter < '8')) {
    const octal = inClass || letter === '0';
    return { text: '', next, refused: octal ? `\\${letter}… is a legacy octal escape; write the character as \\xHH.` : `\\${letter} is a backreference: ${NEEDS_BACKTRACKING}.` };
  }
  if (!inClass && letter === 'k' && pattern[next] === '<') return { text: '', next, refused: `\\k<…> is a backreference: ${NEEDS_BACKTRACKING}.` };
  if (letter === 'c') {
    const control = pattern[next] ?? '';
    if (/[A-Za-z]/.test(control) || (inClass && /[0-9_]/.test(control))) return char(control.charCodeAt(0) % 32, next + 1);
    return char(0x5c, at + 1); // Annex B: a lone `\c` is a backslash, and the `c` is read next.
  }
  if (letter === 'x' && hexAt(pattern, next, 2) !== undefined) return char(hexAt(pattern, next, 2)!, next + 2);
  const unit = letter === 'u' ? hexAt(pattern, next, 4) : undefined;
  if (unit !== undefined) {
    const low = unit >= 0xd800 && unit <= 0xdbff && pattern.startsWith('\\u', next + 4) ? hexAt(pattern, next + 6, 4) : undefined;
    if (low !== undefined && low >= 0xdc00 && low <= 0xdfff) return char(0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00), next + 10);
    return char(unit, next + 4);
  }
  const code = pattern.codePointAt(at + 1)!;
  return char(code, at + 1 + (code > 0xffff ? 2 : 1)); // an identity escape: `\.`, `\/`, and `\p` or `\a` (the letter itself)
}

/** A class `[...]` starting at `at`; in JavaScript without the `u` flag a `-` next to `\d`, `\w` or `\s` is literal. */
function translateClass(pattern: string, at: number): Piece {
  const negated = pattern[at + 1] === '^';
  let i = at + (negated ? 2 : 1);
  const atoms: Piece[] = [];
  while (pattern[i] !== ']') {
    const atom = pattern[i] === '\\' ? translateEscape(pattern, i, true) : char(pattern.codePointAt(i)!, i + (pattern.codePointAt(i)! > 0xffff ? 2 : 1));
    if (atom.refused) return atom;
    atoms.push(atom);
    i = atom.next;
  }
  // `[]` matches nothing and `[^]` any character; RE2 reads both as an unclosed class.
  if (atoms.length === 0) return { text: negated ? '[\\x{0}-\\x{10ffff}]' : '[^\\x{0}-\\x{10ffff}]', next: i + 1 };
  let text = '';
  for (let k = 0; k < atoms.length; k++) {
    const [from, to] = [atoms[k]!, atoms[k + 2]];
    if (pattern[from.next] === '-' && to && from.code !== undefined && to.code !== undefined) {
      text += `${from.text}-${to.text}`;
      k += 2;
    } else {
      text += from.text;
    }
  }
  return { text: `[${negated ? '^' : ''}${text}]`, next: i + 1 };
}

/** A group's opening at `at`: lookaround is refused, and every group becomes non-capturing (only the whole match counts). */
function translateGroup(pattern: string, at: number): Piece {
  const head = pattern.slice(at, at + 4);
  if (head.startsWith('(?=') || head.startsWith('(?!')) return { text: '', next: at, refused: `${head.slice(0, 3)}…) is a lookahead: ${NEEDS_BACKTRACKING}.` };
  if (head === '(?<=' || head === '(?<!') return { text: '', next: at, refused: `${head}…) is a lookbehind: ${NEEDS_BACKTRACKING}.` };
  if (head.startsWith('(?<')) return { text: '(?:', next: pattern.indexOf('>', at) + 1 };
  if (head.startsWith('(?:')) return { text: '(?:', next: at + 3 };
  // Modifiers such as `(?i:…)` (newer runtimes only) would change what `.` and `\s` translate to.
  if (head.startsWith('(?')) return { text: '', next: at, refused: 'inline modifiers such as (?i:…) are not supported; spell the cases out, e.g. [Aa].' };
  return { text: '(?:', next: at + 1 };
}

/**
 * A JavaScript pattern (already known to be valid, no flags, Annex B) written
 * as an RE2 pattern with the same meaning, or why it cannot be: the two
 * engines differ on `\s`, `.`, `\uHHHH`, `[]`, `{` as a literal, and a `-`
 * next to `\d` in a class. Astral characters count as one character, not two.
 */
function translateToRe2(pattern: string): { re2: string } | { refused: string } {
  let re2 = '';
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i]!;
    const quantifier = c === '{' ? /^\{[0-9]+(?:,[0-9]*)?\}/.exec(pattern.slice(i))?.[0] : undefined;
    let piece: Piece;
    if (c === '\\') piece = translateEscape(pattern, i, false);
    else if (c === '[') piece = translateClass(pattern, i);
    else if (c === '(') piece = translateGroup(pattern, i);
    else if (c === '.') piece = { text: '[^\\n\\r\\x{2028}\\x{2029}]', next: i + 1 }; // JavaScript's `.`; RE2's only stops at \n
    else if (quantifier) piece = { text: quantifier, next: i + quantifier.length };
    else if ('()|^$*+?'.includes(c)) piece = { text: c, next: i + 1 };
    else piece = char(pattern.codePointAt(i)!, i + (pattern.codePointAt(i)! > 0xffff ? 2 : 1));
    if (piece.refused) return { refused: piece.refused };
    re2 += piece.text;
    i = piece.next;
  }
  return { re2 };
}

/** Compiles a custom field's regex for matching in linear time, or says (at `path`) why it cannot be. */
function compileCustomRegex(regex: string, path: string, problems: Problems): RE2JS | undefined {
  try {
    new RegExp(regex); // the syntax admins write, checked by the engine that defines it; never run
  } catch (error) {
    problems.add(path, `is not a valid regular expression (${(error as Error).message}).`);
    return undefined;
  }
  const translated = translateToRe2(regex);
  if ('refused' in translated) {
    problems.add(path, translated.refused);
    return undefined;
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(translated.re2);
  } catch (error) {
    const reason = (error as Error).message.replace(/^error parsing regexp: /, '');
    problems.add(path, /invalid repeat count|too large|too deeply/.test(reason)
      ? `is too large for the linear-time matcher (${reason}): a count is at most 1000, nested counts multiply ((a{1,100}){1,100} counts 10000), and values are at most 1024 characters anyway, so prefer + or * to large counts.`
      : `is not supported by the linear-time matcher (${reason}).`);
    return undefined;
  }
  if (compiled.programSize() > REGEX_LIMITS.programSize) {
    problems.add(path, `compiles to ${compiled.programSize()} instructions, more than ${REGEX_LIMITS.programSize}: matching time grows with that size, and each counted repetition copies what it repeats ([a-z]{1,500} compiles to 1001); values are at most 1024 characters anyway, so prefer + or * to large counts.`);
    return undefined;
  }
  return compiled;
}

/** One mapping, compiled at definition time so that verify does no lookups it could avoid. */
export interface MappingRule {
  /** The extra value key, or `uuid`. */
  readonly key: string;
  readonly fromUuid: boolean;
  readonly predefined?: PredefinedField;
  readonly custom?: string;
  /** Matched against the whole value (anchored like HTML's `pattern` attribute), in linear time. */
  readonly regex?: RE2JS;
  /** The regex as configured, for warnings. */
  readonly regexSource?: string;
}

export interface MappingPlan {
  readonly rules: readonly MappingRule[];
  readonly customFields: readonly Readonly<CustomFieldConfig>[];
  readonly mappings: readonly Readonly<ExtraValueMapping>[];
}

function prepareCustomFields(value: unknown, problems: Problems): Map<string, CustomFieldConfig & { compiled?: RE2JS }> {
  const fields = new Map<string, CustomFieldConfig & { compiled?: RE2JS }>();
  let totalProgramSize = 0;
  if (value === undefined) return fields;
  if (!Array.isArray(value)) {
    problems.add('customFields', `must be an array of { name, regex? }, got ${describeType(value)}.`);
    return fields;
  }
  value.forEach((entry: unknown, index) => {
    const path = `customFields[${index}]`;
    if (!isPlainObject(entry)) return problems.add(path, `must be { name, regex? }, got ${describeType(entry)}.`);
    checkKnownKeys(entry, ['name', 'regex'], path, problems);
    const { name, regex } = entry;
    let ok = true;
    if (typeof name !== 'string' || !FIELD_NAME.test(name) || FORBIDDEN_KEYS.has(name)) {
      ok = false;
      problems.add(`${path}.name`, `must be 1–64 characters A-Z a-z 0-9 _ . - (not __proto__, constructor or prototype), got ${
        typeof name === 'string' ? JSON.stringify(name.slice(0, 70)) : describeType(name)}.`);
    } else if (fields.has(name)) {
      ok = false;
      problems.add(`${path}.name`, `"${name}" is declared twice; custom field names must be unique.`);
    }
    let compiled: RE2JS | undefined;
    if (regex !== undefined) {
      if (typeof regex !== 'string' || regex.length === 0 || regex.length > REGEX_LIMITS.patternLength) {
        ok = false;
        problems.add(`${path}.regex`, `must be a non-empty string of at most ${REGEX_LIMITS.patternLength} characters (a JavaScript regular expression), got ${describeType(regex)}.`);
      } else {
        // Matched against the whole value, like HTML's pattern attribute: a partial match (e.g. "CRM-1" inside a
        // random automated uuid) must not pass.
        compiled = compileCustomRegex(regex, `${path}.regex`, problems);
        if (!compiled) ok = false;
        else totalProgramSize += compiled.programSize();
      }
    }
    if (ok) {
      const field: CustomFieldConfig & { compiled?: RE2JS } = { name: name as string };
      if (typeof regex === 'string') field.regex = regex;
      if (compiled) field.compiled = compiled;
      fields.set(name as string, field);
    }
  });
  if (totalProgramSize > REGEX_LIMITS.totalProgramSize) {
    problems.add('customFields', `the regexes compile to ${totalProgramSize} instructions together, more than ${REGEX_LIMITS.totalProgramSize}: one request may match all of them, so simplify some (prefer + or * to large counts).`);
  }
  return fields;
}

function targetName(rule: MappingRule): string {
  return rule.predefined ?? `custom:${rule.custom}`;
}

/** Validates `customFields` and `extraValueMapping` and compiles them into rules. */
export function prepareMapping(customFieldsValue: unknown, mappingValue: unknown, problems: Problems): MappingPlan {
  const customFields = prepareCustomFields(customFieldsValue, problems);
  const rules: MappingRule[] = [];
  const mappings: ExtraValueMapping[] = [];
  const filledBy = new Map<string, number>();
  if (mappingValue !== undefined && !Array.isArray(mappingValue)) {
    problems.add('extraValueMapping', `must be an array of { key, field }, got ${describeType(mappingValue)}.`);
  }
  (Array.isArray(mappingValue) ? mappingValue : []).forEach((entry: unknown, index) => {
    const path = `extraValueMapping[${index}]`;
    if (!isPlainObject(entry)) return problems.add(path, `must be { key, field }, got ${describeType(entry)}.`);
    checkKnownKeys(entry, ['key', 'field'], path, problems);
    const { key, field } = entry;
    let ok = true;
    if (typeof key !== 'string' || !EXTRA_VALUE_KEY.test(key) || FORBIDDEN_KEYS.has(key)) {
      ok = false;
      problems.add(`${path}.key`, `must be an extra value key (1–64 characters A-Z a-z 0-9 _ . -) or "uuid", got ${
        typeof key === 'string' ? JSON.stringify(key.slice(0, 70)) : describeType(key)}.`);
    }
    let rule: MappingRule | undefined;
    if (typeof field === 'string') {
      if (PREDEFINED.has(field)) rule = { key: key as string, fromUuid: key === 'uuid', predefined: field as PredefinedField };
      else problems.add(`${path}.field`, `"${field.slice(0, 64)}" is not a predefined field; use one of ${PREDEFINED_FIELDS.join(', ')}, or { custom: 'name' } for a custom field.`);
    } else if (isPlainObject(field) && typeof field.custom === 'string' && Object.keys(field).length === 1) {
      const custom = customFields.get(field.custom);
      if (custom) {
        rule = custom.compiled
          ? { key: key as string, fromUuid: key === 'uuid', custom: custom.name, regex: custom.compiled, regexSource: custom.regex! }
          : { key: key as string, fromUuid: key === 'uuid', custom: custom.name };
      } else {
        problems.add(`${path}.field.custom`, `"${field.custom.slice(0, 64)}" is not a declared custom field; declare it in customFields first.`);
      }
    } else {
      problems.add(`${path}.field`, `must be a predefined field name or { custom: 'name' }, got ${describeType(field)}.`);
    }
    if (!ok || !rule) return;
    const target = targetName(rule);
    const previous = filledBy.get(target);
    if (previous !== undefined) {
      problems.add(`${path}.field`, `extraValueMapping[${previous}] already fills this field; one mapping per field, so the agent sees one unambiguous value.`);
      return;
    }
    filledBy.set(target, index);
    rules.push(Object.freeze(rule));
    mappings.push(Object.freeze({ key: key as string, field: typeof field === 'string' ? (field as PredefinedField) : Object.freeze({ custom: rule.custom! }) }));
  });
  return Object.freeze({
    rules: Object.freeze(rules),
    customFields: Object.freeze([...customFields.values()].map(({ name, regex }) => Object.freeze(regex === undefined ? { name } : { name, regex }))),
    mappings: Object.freeze(mappings),
  });
}
