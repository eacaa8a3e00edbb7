/**
 * The typed JSON Schema builders of the OpenAPI document (SPEC §11 "The
 * contract"): `object<T>` turns a shape into a closed object schema whose
 * `required` list is exactly the properties not wrapped in `optional()`.
 */
import { describe, expect, it } from 'vitest';
import { arrayOf, boolean, constant, enumOf, integer, millis, number, object, oneOf, optional, ref, seq, string } from '../../../../src/server/handler/openapi/schema.js';

describe('object(): one schema per property, closed', () => {
  it('lists the plain properties as required, the optional() ones not, and refuses any other property', () => {
    const schema = object<{ id: string; note?: string }>({ id: string(), note: optional(string({ maxLength: 10 })) });
    expect(schema).toEqual({
      type: 'object',
      properties: { id: { type: 'string' }, note: { type: 'string', maxLength: 10 } },
      required: ['id'],
      additionalProperties: false,
    });
  });

  it('leaves out `required` when every property is optional, and keeps the declaration order', () => {
    const schema = object<{ b?: number; a?: boolean }>({ b: optional(number()), a: optional(boolean) });
    expect(schema).not.toHaveProperty('required');
    expect(Object.keys(schema.properties as object)).toEqual(['b', 'a']);
  });

  it('carries a description only when one is given', () => {
    expect(object<{ x: string }>({ x: string() }, 'An x.')).toMatchObject({ description: 'An x.' });
    expect(object<{ x: string }>({ x: string() })).not.toHaveProperty('description');
  });

  it('reads a schema with a property named like a keyword as required: only an own `optional` key marks an optional one', () => {
    // A schema object inheriting `optional` from its prototype is still a schema, not a wrapper.
    const inherited = Object.create({ optional: { type: 'null' } }) as Record<string, unknown>;
    inherited.type = 'string';
    const schema = object<{ a: string }>({ a: inherited as never });
    expect(schema.required).toEqual(['a']);
    expect(schema.properties).toEqual({ a: inherited });
  });
});

describe('the leaf builders', () => {
  it('refer into components.schemas by name, and oneOf refers to each', () => {
    expect(ref('ChatMessage')).toEqual({ $ref: '#/components/schemas/ChatMessage' });
    expect(oneOf('A', 'B')).toEqual({ oneOf: [{ $ref: '#/components/schemas/A' }, { $ref: '#/components/schemas/B' }] });
  });

  it('merge their extra keywords into the typed schema', () => {
    expect(string({ pattern: '^x$' })).toEqual({ type: 'string', pattern: '^x$' });
    expect(integer({ minimum: 1 })).toEqual({ type: 'integer', minimum: 1 });
    expect(number()).toEqual({ type: 'number' });
    expect(arrayOf(boolean, { maxItems: 3 })).toEqual({ type: 'array', items: { type: 'boolean' }, maxItems: 3 });
    expect(constant('message')).toEqual({ const: 'message' });
  });

  it('copies an enum’s values, so a later change to the source array does not reach the document', () => {
    const values = ['open', 'closed'];
    const schema = enumOf(values);
    values.push('deleted');
    expect(schema).toEqual({ type: 'string', enum: ['open', 'closed'] });
  });

  it('describes timestamps and seqs as whole numbers from 0', () => {
    expect(millis).toMatchObject({ type: 'integer', minimum: 0 });
    expect(seq).toEqual({ type: 'integer', minimum: 0 });
  });
});
