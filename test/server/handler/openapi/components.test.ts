/**
 * The schemas of the OpenAPI document (SPEC §11 "The contract"), compiled with
 * Ajv's JSON Schema 2020-12 validator (OpenAPI 3.1's dialect) and tried on
 * values the protocol types allow and values they do not.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { PREDEFINED_FIELDS } from '../../../../src/identity/index.js';
import { SCHEMAS } from '../../../../src/server/handler/openapi/components.js';

const ajv = new Ajv2020({ allErrors: true, strict: true, validateFormats: false });
ajv.addVocabulary(['components']);
ajv.addSchema({ components: { schemas: SCHEMAS } }, 'document');
const accepts = (name: string, value: unknown): boolean => ajv.validate({ $ref: `document#/components/schemas/${name}` }, value);

const MESSAGE = { id: 'm1', seq: 1, clientId: 'client_0001', author: 'visitor', body: 'Hello', createdAt: 1_700_000_000_000 };
const AGENT = { id: 'alice', name: 'Alice' };

/** Every `$ref` inside a schema. */
function references(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === '$ref' ? [String(inner)] : references(inner)));
}

describe('SCHEMAS as a set', () => {
  it('refers only to schemas it declares', () => {
    const missing = references(SCHEMAS).filter((reference) => !Object.hasOwn(SCHEMAS, reference.replace('#/components/schemas/', '')));
    expect(missing).toEqual([]);
  });

  it('every schema compiles under strict JSON Schema 2020-12', () => {
    for (const name of Object.keys(SCHEMAS)) expect(() => ajv.compile({ $ref: `document#/components/schemas/${name}` }), name).not.toThrow();
  });
});

describe('the stream event unions', () => {
  it('name each event <union><Type> in PascalCase, the union a oneOf of them', () => {
    expect(SCHEMAS.StreamEvent!.oneOf).toEqual(
      ['Message', 'Reset', 'SessionExpired', 'SessionEnded', 'Presence', 'Typing', 'Read'].map((type) => ({ $ref: `#/components/schemas/StreamEvent${type}` })),
    );
    expect(SCHEMAS.AgentStreamEvent!.oneOf).toEqual(['Message', 'Summary', 'Typing', 'Presence'].map((type) => ({ $ref: `#/components/schemas/AgentStreamEvent${type}` })));
  });

  it('accepts each event as the server writes it and refuses an event of no known type', () => {
    expect(accepts('StreamEvent', { type: 'message', message: MESSAGE })).toBe(true);
    expect(accepts('StreamEvent', { type: 'session_expired', code: 'ERR_SESSION_EXPIRED', message: 'Sign in again.' })).toBe(true);
    expect(accepts('StreamEvent', { type: 'typing', agent: AGENT })).toBe(true);
    expect(accepts('StreamEvent', { type: 'session_expired', code: 'ERR_SESSION_INVALID', message: 'x' })).toBe(false);
    expect(accepts('StreamEvent', { type: 'deleted' })).toBe(false);
    expect(accepts('StreamEvent', { type: 'reset', extra: 1 })).toBe(false);
  });

  it('an agent stream message carries its epoch, 1–32 base64url characters', () => {
    const summary = {
      id: 'default.c1', uuid: 'u1', uuidSource: 'automated', signed: false, fields: {}, warnings: [], customFields: {}, extraValues: {},
      updatedAt: 1, lastSeq: 1, status: 'open', visitorReadSeq: 0, agentReadSeq: 0, unread: 1,
    };
    expect(accepts('AgentStreamEvent', { type: 'message', conversation: summary, message: MESSAGE, epoch: 'e_1' })).toBe(true);
    expect(accepts('AgentStreamEvent', { type: 'message', conversation: summary, message: MESSAGE, epoch: 'x'.repeat(33) })).toBe(false);
    expect(accepts('AgentStreamEvent', { type: 'summary', conversation: { ...summary, status: 'archived' } })).toBe(false);
  });
});

describe('the protocol bodies', () => {
  it('an error body is { error: { code, message } } with an ERR_ code and nothing else', () => {
    expect(accepts('ErrorBody', { error: { code: 'ERR_NOT_FOUND', message: 'No conversation has this id.' } })).toBe(true);
    expect(accepts('ErrorBody', { error: { code: 'not_found', message: 'x' } })).toBe(false);
    expect(accepts('ErrorBody', { error: { code: 'ERR_NOT_FOUND' } })).toBe(false);
    expect(accepts('ErrorBody', { error: { code: 'ERR_NOT_FOUND', message: 'x', stack: 'at …' } })).toBe(false);
  });

  it('a message’s clientId is 8–64 characters of [A-Za-z0-9_-], its seq from 1, its author one of three', () => {
    expect(accepts('ChatMessage', MESSAGE)).toBe(true);
    expect(accepts('ChatMessage', { ...MESSAGE, clientId: 'short' })).toBe(false);
    expect(accepts('ChatMessage', { ...MESSAGE, seq: 0 })).toBe(false);
    expect(accepts('ChatMessage', { ...MESSAGE, author: 'bot' })).toBe(false);
    expect(accepts('ChatMessage', { ...MESSAGE, author: 'agent', agent: AGENT })).toBe(true);
  });

  it('a public identity’s fields are exactly the predefined ones, as text', () => {
    const fields = SCHEMAS.PublicIdentity!.properties as { fields: { properties: object } };
    expect(Object.keys(fields.fields.properties)).toEqual([...PREDEFINED_FIELDS]);
    const identity = { uuid: 'u1', uuidSource: 'jwt', signed: true, fields: { firstname: 'Ada' }, warnings: [] };
    expect(accepts('PublicIdentity', identity)).toBe(true);
    expect(accepts('PublicIdentity', { ...identity, fields: { crm_id: 'CRM-1' } })).toBe(false);
    expect(accepts('PublicIdentity', { ...identity, uuidSource: 'cookie' })).toBe(false);
  });

  it('an agent summary carries the public identity beside the agent-only values', () => {
    const summary = SCHEMAS.AgentConversationSummary!;
    const identityKeys = Object.keys(SCHEMAS.PublicIdentity!.properties as object);
    expect(Object.keys(summary.properties as object)).toEqual(expect.arrayContaining([...identityKeys, 'customFields', 'extraValues', 'unread']));
    expect(summary.required).toEqual(expect.arrayContaining(['id', 'uuid', 'customFields', 'status', 'unread']));
    expect(summary.required).not.toContain('assignee');
  });

  it('the request bounds: a page title at most 512, an e-mail at most 254, a reply time at most 200 characters', () => {
    expect(accepts('PageChangeRequest', { url: 'https://shop.test/', title: 't'.repeat(512) })).toBe(true);
    expect(accepts('PageChangeRequest', { title: 't'.repeat(513) })).toBe(false);
    expect(accepts('EmailRequest', { email: 'e'.repeat(255) })).toBe(false);
    expect(accepts('Presence', { available: true, replyTime: 'r'.repeat(201) })).toBe(false);
    expect(accepts('AssignRequest', { agentId: null })).toBe(true);
    expect(accepts('AgentStatusRequest', { status: 'busy' })).toBe(false);
  });
});
