import { EXTRA_VALUE_KEY, FORBIDDEN_KEYS, PREDEFINED_FIELDS, type PredefinedField } from '../../identity/index.js';
import { checkKnownKeys, describeType, isPlainObject, type Problems } from './problems.js';
import type { CustomFieldConfig, ExtraValueMapping } from './types.js';

const FIELD_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const PREDEFINED = new Set<string>(PREDEFINED_FIELDS);

/** One mapping, compiled at definition time so that verify does no lookups it could avoid. */
export interface MappingRule {
  /** The extra value key, or `uuid`. */
  readonly key: string;
  readonly fromUuid: boolean;
  readonly predefined?: PredefinedField;
  readonly custom?: string;
  /** Anchored: the whole value must match. */
  readonly regex?: RegExp;
  /** The regex as configured, for warnings. */
  readonly regexSource?: string;
}

export interface MappingPlan {
  readonly rules: readonly MappingRule[];
  readonly customFields: readonly Readonly<CustomFieldConfig>[];
  readonly mappings: readonly Readonly<ExtraValueMapping>[];
}

function prepareCustomFields(value: unknown, problems: Problems): Map<string, CustomFieldConfig & { compiled?: RegExp }> {
  const fields = new Map<string, CustomFieldConfig & { compiled?: RegExp }>();
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
    let compiled: RegExp | undefined;
    if (regex !== undefined) {
      if (typeof regex !== 'string' || regex.length === 0 || regex.length > 1024) {
        ok = false;
        problems.add(`${path}.regex`, `must be a non-empty string of at most 1024 characters (a JavaScript regular expression), got ${describeType(regex)}.`);
      } else {
        try {
          // Anchored like HTML's pattern attribute: a partial match (e.g. "CRM-1" inside a random automated uuid) must not pass.
          compiled = new RegExp(`^(?:${regex})$`);
        } catch (error) {
          ok = false;
          problems.add(`${path}.regex`, `is not a valid regular expression (${(error as Error).message}).`);
        }
      }
    }
    if (ok) {
      const field: CustomFieldConfig & { compiled?: RegExp } = { name: name as string };
      if (typeof regex === 'string') field.regex = regex;
      if (compiled) field.compiled = compiled;
      fields.set(name as string, field);
    }
  });
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
