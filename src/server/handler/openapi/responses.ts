/** Response objects of the OpenAPI document, and the error answers each kind of route can give. */
import { ref, string } from './schema.js';

export type ResponseObject = Record<string, unknown>;

const retryAfter = { required: true, description: 'Seconds to wait.', schema: string({ pattern: '^[0-9]+$' }) };

export function json(schema: string, description: string, headers: Record<string, unknown> = {}): ResponseObject {
  return { description, ...(Object.keys(headers).length > 0 ? { headers } : {}), content: { 'application/json': { schema: ref(schema) } } };
}

export const empty = (description: string): ResponseObject => ({ description });

/**
 * An SSE stream. OpenAPI 3.1 has no keyword for the events of a stream: the
 * body is described as text, and `x-sse-events` names the schema each
 * `data:` line follows (the tests check every event against it).
 */
export function sse(events: string, description: string): ResponseObject {
  return {
    description,
    headers: {
      'Cache-Control': { required: true, schema: { const: 'no-cache, no-transform' } },
      'X-Accel-Buffering': { required: true, schema: { const: 'no' } },
    },
    content: { 'text/event-stream': { schema: string({ description: 'Server-Sent Events: `event: <type>`, `data: <JSON>`, `id:` on message events; `: ping` comments.' }) } },
    'x-sse-events': ref(events),
  };
}

const error = (description: string, headers: Record<string, unknown> = {}): ResponseObject => json('ErrorBody', description, headers);

/** The error answers, once each in `components.responses`; operations refer to them. */
export const ERROR_RESPONSES: Record<string, ResponseObject> = {
  BadRequest: error('ERR_BAD_REQUEST / ERR_MESSAGE_INVALID / a verifier code: the input is malformed.'),
  SessionRefused: error('ERR_SESSION_MISSING / ERR_SESSION_INVALID / ERR_SESSION_EXPIRED (the widget shows the session-expired notice), or a verifier code.'),
  AgentUnauthorized: error('ERR_AGENT_UNAUTHORIZED: no agent signed in.', { 'WWW-Authenticate': { required: true, schema: { const: 'Bearer' } } }),
  Forbidden: error('ERR_ORIGIN_NOT_ALLOWED: the page’s origin is not allowed (and, on state-changing agent routes, is not the chat server’s own).'),
  NotFound: error('ERR_NOT_FOUND: no conversation has this id in this community.'),
  BodyTimeout: error('ERR_BODY_TIMEOUT: the body did not arrive within 10 s.'),
  BodyTooLarge: error('ERR_BODY_TOO_LARGE.'),
  UnsupportedMediaType: error('ERR_UNSUPPORTED_MEDIA_TYPE: send application/json.'),
  RateLimited: error('ERR_RATE_LIMITED / ERR_TOO_MANY_STREAMS.', { 'Retry-After': retryAfter }),
  Internal: error('ERR_INTERNAL: a bug or a failing store, never the answer to bad input.'),
  Unavailable: error('ERR_UNAVAILABLE / ERR_CAPACITY / ERR_OUTCOME_UNKNOWN / ERR_KEY_SOURCE: try again later.', { 'Retry-After': retryAfter }),
};

const use = (name: keyof typeof ERROR_RESPONSES): ResponseObject => ({ $ref: `#/components/responses/${name}` });

/** Errors every route outside the public ones may answer. */
export const COMMON_ERRORS: Record<string, ResponseObject> = { '403': use('Forbidden'), '429': use('RateLimited'), '500': use('Internal'), '503': use('Unavailable') };
/** Errors of a route that reads a JSON body (or a query). */
export const BODY_ERRORS: Record<string, ResponseObject> = { '400': use('BadRequest'), '408': use('BodyTimeout'), '413': use('BodyTooLarge'), '415': use('UnsupportedMediaType') };
export const SESSION_ERRORS: Record<string, ResponseObject> = { '401': use('SessionRefused') };
export const AGENT_ERRORS: Record<string, ResponseObject> = { '401': use('AgentUnauthorized') };
export const NOT_FOUND: Record<string, ResponseObject> = { '404': use('NotFound') };
export const BAD_REQUEST: Record<string, ResponseObject> = { '400': use('BadRequest') };
