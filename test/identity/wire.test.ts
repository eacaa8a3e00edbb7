/**
 * SPEC §11 "The contract": the wire names in one place (src/identity/wire.ts).
 * The router serving them is tested in test/server/handler; here, the names
 * themselves: no two routes on one path, the optional events among the events.
 */
import { describe, expect, it } from 'vitest';
import {
  AGENT_CONVERSATION_PATH,
  AGENT_PATHS,
  AGENT_STREAM_EVENT_TYPES,
  agentConversationPath,
  CONVERSATION_ACTIONS,
  INBOX_PATHS,
  OPENAPI_PATH,
  OPTIONAL_AGENT_STREAM_EVENTS,
  OPTIONAL_STREAM_EVENTS,
  STREAM_EVENT_TYPES,
  VISITOR_PATHS,
} from '../../src/identity/wire.js';

const ALL_PATHS = [...Object.values(VISITOR_PATHS), ...Object.values(AGENT_PATHS), ...Object.values(INBOX_PATHS), OPENAPI_PATH];

describe('paths', () => {
  it('are absolute under {base}, each served by one route only', () => {
    for (const path of ALL_PATHS) expect(path).toMatch(/^\/[a-z0-9/._-]*$/);
    expect(new Set(ALL_PATHS).size).toBe(ALL_PATHS.length);
  });

  it('keep the visitor API under /v1/ and the agent API under /agent/v1/ (SPEC §6, §11)', () => {
    const { loader, panel, ...api } = VISITOR_PATHS;
    expect([loader, panel]).toEqual(['/loader.js', '/panel.js']);
    for (const path of Object.values(api)) expect(path).toMatch(/^\/v1\/[a-z]+$/);
    for (const path of Object.values(AGENT_PATHS)) expect(path).toMatch(/^\/agent\/v1\/[a-z]+$/);
  });

  it('the OpenAPI placeholder path is the conversations path and {id}', () => {
    expect(AGENT_CONVERSATION_PATH).toBe(`${AGENT_PATHS.conversations}/{id}`);
  });
});

describe('agentConversationPath', () => {
  it('fills the conversation path for each action', () => {
    expect(CONVERSATION_ACTIONS.map((action) => agentConversationPath('c1', action))).toEqual(
      CONVERSATION_ACTIONS.map((action) => AGENT_CONVERSATION_PATH.replace('{id}', 'c1') + `/${action}`),
    );
    expect(agentConversationPath('c1', 'close')).toBe('/agent/v1/conversations/c1/close');
  });

  it('percent-encodes the id, so an id can never reach another route', () => {
    expect(agentConversationPath('a/b?c#d', 'messages')).toBe('/agent/v1/conversations/a%2Fb%3Fc%23d/messages');
    expect(agentConversationPath('é 1', 'read')).toBe('/agent/v1/conversations/%C3%A9%201/read');
  });
});

describe('stream events', () => {
  it('name each event once, the optional ones among them', () => {
    expect(new Set(STREAM_EVENT_TYPES).size).toBe(STREAM_EVENT_TYPES.length);
    expect(new Set(AGENT_STREAM_EVENT_TYPES).size).toBe(AGENT_STREAM_EVENT_TYPES.length);
    const visitor: readonly string[] = STREAM_EVENT_TYPES;
    const agent: readonly string[] = AGENT_STREAM_EVENT_TYPES;
    for (const event of OPTIONAL_STREAM_EVENTS) expect(visitor).toContain(event);
    for (const event of OPTIONAL_AGENT_STREAM_EVENTS) expect(agent).toContain(event);
  });

  it('always send message, reset and the session events to a visitor, message and summary to an agent (SPEC §11)', () => {
    const optional: readonly string[] = OPTIONAL_STREAM_EVENTS;
    const optionalAgent: readonly string[] = OPTIONAL_AGENT_STREAM_EVENTS;
    for (const event of ['message', 'reset', 'session_expired', 'session_ended']) expect(optional).not.toContain(event);
    for (const event of ['message', 'summary']) expect(optionalAgent).not.toContain(event);
  });
});
