/**
 * Typed JSON Schema builders for the OpenAPI document (SPEC §11 "The
 * contract"). `object<T>(shape)` takes one schema per property of the
 * protocol type `T` — required properties a schema, optional ones
 * `optional(schema)` — so a field added to, removed from or made optional in
 * src/identity/protocol.ts fails the type check here until the document says
 * the same. `additionalProperties: false` lets the tests catch an answer that
 * carries more than the document.
 */

/** A JSON Schema 2020-12 object (OpenAPI 3.1's dialect). Never an `optional(…)` wrapper. */
export type JsonSchema = { readonly [keyword: string]: unknown; readonly optional?: never };

/** A property that may be absent. */
export interface Optional {
  readonly optional: JsonSchema;
}

export const optional = (schema: JsonSchema): Optional => ({ optional: schema });

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type OptionalKeys<T> = Exclude<keyof T, RequiredKeys<T>>;

/** One schema per property of T, no more, no fewer; optional properties wrapped in `optional()`. */
export type Shape<T> = { readonly [K in RequiredKeys<T>]-?: JsonSchema } & { readonly [K in OptionalKeys<T>]-?: Optional };

export function object<T>(shape: Shape<T>, description?: string): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, value] of Object.entries(shape as Record<string, JsonSchema | Optional>)) {
    if (isOptional(value)) properties[name] = value.optional;
    else {
      properties[name] = value;
      required.push(name);
    }
  }
  return {
    type: 'object',
    ...(description === undefined ? {} : { description }),
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

function isOptional(value: JsonSchema | Optional): value is Optional {
  return Object.hasOwn(value, 'optional');
}

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
export const string = (extra: Record<string, unknown> = {}): JsonSchema => ({ type: 'string', ...extra });
export const integer = (extra: Record<string, unknown> = {}): JsonSchema => ({ type: 'integer', ...extra });
export const number = (extra: Record<string, unknown> = {}): JsonSchema => ({ type: 'number', ...extra });
export const boolean: JsonSchema = { type: 'boolean' };
export const constant = (value: string): JsonSchema => ({ const: value });
export const oneOf = (...names: string[]): JsonSchema => ({ oneOf: names.map(ref) });
export const arrayOf = (items: JsonSchema, extra: Record<string, unknown> = {}): JsonSchema => ({ type: 'array', items, ...extra });
export const enumOf = (values: readonly string[]): JsonSchema => ({ type: 'string', enum: [...values] });
/** Milliseconds since the epoch, server clock. */
export const millis: JsonSchema = { type: 'integer', minimum: 0, description: 'Milliseconds since the epoch (server clock).' };
export const seq: JsonSchema = { type: 'integer', minimum: 0 };
