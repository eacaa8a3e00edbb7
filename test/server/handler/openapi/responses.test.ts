/**
 * The response objects of the OpenAPI document (SPEC §11 "The contract"): the
 * error answers each kind of route gives, declared once in
 * `components.responses` and referred to by status.
 */
import { describe, expect, it } from 'vitest';
import { AGENT_ERRORS, BAD_REQUEST, BODY_ERRORS, COMMON_ERRORS, empty, ERROR_RESPONSES, json, NOT_FOUND, SESSION_ERRORS, sse } from '../../../../src/server/handler/openapi/responses.js';

const ERROR_BODY = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } };
const target = (reference: unknown): string => String((reference as { $ref: string }).$ref);

describe('json(), empty() and sse()', () => {
  it('a JSON answer refers to its schema, and has a headers object only when given headers', () => {
    expect(json('ChatMessage', 'One message.')).toEqual({ description: 'One message.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ChatMessage' } } } });
    const withHeader = json('ChatMessage', 'One message.', { ETag: { required: true } });
    expect(withHeader.headers).toEqual({ ETag: { required: true } });
  });

  it('an empty answer is its description alone', () => {
    expect(empty('Done.')).toEqual({ description: 'Done.' });
  });

  it('a stream is text/event-stream with the unbuffered headers the server sends, its events named by x-sse-events', () => {
    const stream = sse('StreamEvent', 'The stream.');
    expect(Object.keys(stream.content as object)).toEqual(['text/event-stream']);
    expect(stream['x-sse-events']).toEqual({ $ref: '#/components/schemas/StreamEvent' });
    expect(stream.headers).toEqual({
      'Cache-Control': { required: true, schema: { const: 'no-cache, no-transform' } },
      'X-Accel-Buffering': { required: true, schema: { const: 'no' } },
    });
  });
});

describe('ERROR_RESPONSES', () => {
  it('every error answer carries the { error: { code, message } } body', () => {
    for (const [name, response] of Object.entries(ERROR_RESPONSES)) expect(response.content, name).toEqual(ERROR_BODY);
  });

  it('the answers a client must wait on require Retry-After in whole seconds, and the 401 of the agent API requires WWW-Authenticate', () => {
    const header = (name: string, field: string) => (ERROR_RESPONSES[name]!.headers as Record<string, { required: boolean; schema: object }> | undefined)?.[field];
    for (const name of ['RateLimited', 'Unavailable']) expect(header(name, 'Retry-After'), name).toMatchObject({ required: true, schema: { type: 'string', pattern: '^[0-9]+$' } });
    expect(header('AgentUnauthorized', 'WWW-Authenticate')).toEqual({ required: true, schema: { const: 'Bearer' } });
    const withHeaders = Object.entries(ERROR_RESPONSES).filter(([, response]) => response.headers !== undefined).map(([name]) => name);
    expect(withHeaders.sort()).toEqual(['AgentUnauthorized', 'RateLimited', 'Unavailable']);
  });
});

describe('the error sets of each kind of route', () => {
  it('map each status to the shared answer that says it', () => {
    const statuses = (set: Record<string, unknown>) => Object.fromEntries(Object.entries(set).map(([status, reference]) => [status, target(reference)]));
    expect(statuses(COMMON_ERRORS)).toEqual({
      '403': '#/components/responses/Forbidden',
      '429': '#/components/responses/RateLimited',
      '500': '#/components/responses/Internal',
      '503': '#/components/responses/Unavailable',
    });
    expect(statuses(BODY_ERRORS)).toEqual({
      '400': '#/components/responses/BadRequest',
      '408': '#/components/responses/BodyTimeout',
      '413': '#/components/responses/BodyTooLarge',
      '415': '#/components/responses/UnsupportedMediaType',
    });
    expect(statuses(SESSION_ERRORS)).toEqual({ '401': '#/components/responses/SessionRefused' });
    expect(statuses(AGENT_ERRORS)).toEqual({ '401': '#/components/responses/AgentUnauthorized' });
    expect(statuses(NOT_FOUND)).toEqual({ '404': '#/components/responses/NotFound' });
    expect(statuses(BAD_REQUEST)).toEqual({ '400': '#/components/responses/BadRequest' });
  });

  it('refer only to answers ERROR_RESPONSES declares', () => {
    const all = [COMMON_ERRORS, BODY_ERRORS, SESSION_ERRORS, AGENT_ERRORS, NOT_FOUND, BAD_REQUEST].flatMap((set) => Object.values(set).map(target));
    const unknown = all.filter((reference) => !Object.hasOwn(ERROR_RESPONSES, reference.replace('#/components/responses/', '')));
    expect(unknown).toEqual([]);
  });
});
