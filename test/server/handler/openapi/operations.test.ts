/**
 * The operations of the OpenAPI document (SPEC §11 "The contract"), read as a
 * table: who may call each (security), which errors each kind of route
 * documents, its parameters, and that every reference lands on something
 * declared. (test/server/handler/openapi/document.test.ts drives them over HTTP.)
 */
import { describe, expect, it } from 'vitest';
import { AGENT_CONVERSATION_PATH, AGENT_PATHS, INBOX_PATHS, OPENAPI_PATH, OPTIONAL_AGENT_STREAM_EVENTS, OPTIONAL_STREAM_EVENTS, VISITOR_PATHS } from '../../../../src/identity/index.js';
import { SCHEMAS } from '../../../../src/server/handler/openapi/components.js';
import { PATHS } from '../../../../src/server/handler/openapi/operations.js';
import { ERROR_RESPONSES } from '../../../../src/server/handler/openapi/responses.js';

interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string; required: boolean; description?: string; schema?: Record<string, unknown> }[];
  requestBody?: Record<string, unknown>;
  responses: Record<string, { $ref?: string }>;
}

const operations: [string, string, Operation][] = Object.entries(PATHS).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => [path, method, operation as Operation] as [string, string, Operation]));
const operation = (path: string, method: string): Operation => (PATHS[path] as Record<string, Operation>)[method]!;
const refOf = (operation: Operation, status: string): string | undefined => operation.responses[status]?.$ref;
const PUBLIC = new Set<string>([VISITOR_PATHS.loader, VISITOR_PATHS.panel, OPENAPI_PATH, INBOX_PATHS.script]);

/** Every `$ref` inside a value. */
function references(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === '$ref' ? [String(inner)] : references(inner)));
}

describe('the table', () => {
  it('gives each operation its own operationId', () => {
    const ids = operations.map(([, , op]) => op.operationId);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
  });

  it('refers only to declared response objects and schemas', () => {
    const dangling = references(PATHS).filter((reference) => {
      const [, , kind, name] = reference.split('/');
      return !Object.hasOwn(kind === 'responses' ? ERROR_RESPONSES : SCHEMAS, name!);
    });
    expect(dangling).toEqual([]);
  });

  it('puts every conversation action under the conversation path, messages read and written, the others posted', () => {
    expect(Object.keys(PATHS[`${AGENT_CONVERSATION_PATH}/messages`]!).sort()).toEqual(['get', 'post']);
    for (const action of ['close', 'reopen', 'assign', 'typing', 'read']) expect(Object.keys(PATHS[`${AGENT_CONVERSATION_PATH}/${action}`]!), action).toEqual(['post']);
  });
});

describe('who may call', () => {
  it('visitor routes take the session and document its 401; agent routes take a token or the inbox cookie and document theirs', () => {
    for (const path of [VISITOR_PATHS.conversation, VISITOR_PATHS.messages, VISITOR_PATHS.stream, VISITOR_PATHS.page, VISITOR_PATHS.session, VISITOR_PATHS.typing, VISITOR_PATHS.read, VISITOR_PATHS.email]) {
      for (const [method, op] of Object.entries(PATHS[path]!)) {
        expect(op!.security, `${method} ${path}`).toEqual([{ session: [] }]);
        expect(refOf(op as Operation, '401'), `${method} ${path}`).toBe('#/components/responses/SessionRefused');
      }
    }
    const agentOperations = operations.filter(([path]) => path.startsWith('/agent/') && path !== AGENT_PATHS.session);
    expect(agentOperations.length).toBeGreaterThan(8);
    for (const [path, method, op] of agentOperations) {
      expect(op.security, `${method} ${path}`).toEqual([{ agentToken: [] }, { agentCookie: [] }]);
      expect(refOf(op, '401'), `${method} ${path}`).toBe('#/components/responses/AgentUnauthorized');
    }
  });

  it('the public scripts and the document need no credential and refuse no origin', () => {
    for (const [path, method, op] of operations.filter(([path]) => PUBLIC.has(path))) {
      expect(op.security, `${method} ${path}`).toBeUndefined();
      expect(op.responses['403'], `${method} ${path}`).toBeUndefined();
    }
  });

  it('the inbox sign-in answers the cookie in Set-Cookie, and the sign-out clears it', () => {
    const signIn = operation(AGENT_PATHS.session, 'post') as unknown as { responses: Record<string, { headers?: object }> };
    const signOut = operation(AGENT_PATHS.session, 'delete') as unknown as { responses: Record<string, { headers?: object }> };
    expect(signIn.responses['200']!.headers).toHaveProperty('Set-Cookie.required', true);
    expect(signOut.responses['204']!.headers).toHaveProperty('Set-Cookie.required', true);
    expect(refOf(operation(AGENT_PATHS.session, 'post'), '401')).toBe('#/components/responses/AgentUnauthorized');
  });
});

describe('inputs', () => {
  it('every operation that reads a JSON body documents the body errors (400, 408, 413, 415)', () => {
    const withBody = operations.filter(([, , op]) => op.requestBody !== undefined);
    expect(withBody.length).toBeGreaterThan(8);
    for (const [path, method, op] of withBody) {
      expect(op.requestBody, `${method} ${path}`).toMatchObject({ required: true });
      for (const status of ['400', '408', '413', '415']) expect(op.responses[status], `${method} ${path} ${status}`).toBeDefined();
    }
  });

  it('every operation under {id} takes the id as a required path parameter', () => {
    const underId = operations.filter(([path]) => path.includes('{id}'));
    expect(underId).toHaveLength(7);
    for (const [path, method, op] of underId) expect(op.parameters?.find((p) => p.in === 'path'), `${method} ${path}`).toMatchObject({ name: 'id', required: true });
  });

  it('each stream names the optional events its ?events= takes', () => {
    const events = (path: string) => operation(path, 'get').parameters!.find((p) => p.name === 'events')!.description;
    expect(events(VISITOR_PATHS.stream)).toContain(OPTIONAL_STREAM_EVENTS.join(', '));
    expect(events(AGENT_PATHS.stream)).toContain(OPTIONAL_AGENT_STREAM_EVENTS.join(', '));
    expect(operation(VISITOR_PATHS.stream, 'get').parameters).toContainEqual(expect.objectContaining({ in: 'header', name: 'Last-Event-ID', required: false }));
  });

  it('the list pages take a limit of 1–200 and a status of open or closed', () => {
    const parameters = operation(AGENT_PATHS.conversations, 'get').parameters!;
    expect(parameters.find((p) => p.name === 'limit')!.schema).toEqual({ type: 'integer', minimum: 1, maximum: 200 });
    expect(parameters.find((p) => p.name === 'status')!.schema).toEqual({ type: 'string', enum: ['open', 'closed'] });
    expect(parameters.every((p) => p.in === 'query' && p.required === false)).toBe(true);
    const history = operation(`${AGENT_CONVERSATION_PATH}/messages`, 'get').parameters!;
    expect(history.map((p) => p.name)).toEqual(['id', 'limit', 'before', 'after']);
  });
});

describe('answers', () => {
  it('a message post answers 201 when stored and 200 when a retry found it stored, for the visitor and the agent alike', () => {
    for (const op of [operation(VISITOR_PATHS.messages, 'post'), operation(`${AGENT_CONVERSATION_PATH}/messages`, 'post')]) {
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '201']));
    }
  });

  it('the inbox page requires its Content-Security-Policy, and the bare /inbox redirects with 308', () => {
    const page = operation(INBOX_PATHS.page, 'get') as unknown as { responses: Record<string, { headers: object; content?: object }> };
    expect(page.responses['200']!.headers).toHaveProperty('Content-Security-Policy.required', true);
    expect(Object.keys(page.responses['200']!.content!)).toEqual(['text/html']);
    const redirect = PATHS[INBOX_PATHS.page.slice(0, -1)]!.get as unknown as { responses: Record<string, { headers: object }> };
    expect(Object.keys(redirect.responses)).toEqual(['308']);
    expect(redirect.responses['308']!.headers).toHaveProperty('Location.required', true);
  });
});
