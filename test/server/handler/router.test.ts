import { describe, expect, it } from 'vitest';
import { AGENT_PATHS, CONVERSATION_ACTIONS, INBOX_PATHS, OPENAPI_PATH, VISITOR_PATHS, agentConversationPath } from '../../../src/identity/index.js';
import { allowedMethods, matchRoute, type Route } from '../../../src/server/handler/router.js';

const noop = async () => ({ status: 204, headers: {}, body: null });
const LOADER: Route = { methods: { GET: noop, HEAD: noop }, public: true };
const PANEL: Route = { methods: { GET: noop }, public: true };
const methodsOf = (path: string): string[] | undefined => {
  const match = matchRoute(path, LOADER, PANEL);
  return match && Object.keys(match.route.methods);
};

describe('matchRoute: the wire contract paths, relative to basePath', () => {
  it('serves loader.js and panel.js with the routes the handler made for them', () => {
    expect(matchRoute(VISITOR_PATHS.loader, LOADER, PANEL)).toEqual({ route: LOADER, param: '' });
    expect(matchRoute(VISITOR_PATHS.panel, LOADER, PANEL)).toEqual({ route: PANEL, param: '' });
    expect(matchRoute(VISITOR_PATHS.panel, LOADER)).toBeUndefined();
  });

  it('gives every visitor path its methods, none of them agent routes', () => {
    expect(methodsOf(VISITOR_PATHS.policy)).toEqual(['GET', 'HEAD']);
    expect(methodsOf(VISITOR_PATHS.identity)).toEqual(['POST']);
    expect(methodsOf(VISITOR_PATHS.conversation)).toEqual(['GET']);
    expect(methodsOf(VISITOR_PATHS.messages)).toEqual(['POST']);
    expect(methodsOf(VISITOR_PATHS.stream)).toEqual(['GET']);
    expect(methodsOf(VISITOR_PATHS.session)).toEqual(['DELETE']);
    for (const path of ['policy', 'identity', 'conversation', 'messages', 'stream', 'page', 'session', 'typing', 'read', 'email'] as const) {
      expect(matchRoute(VISITOR_PATHS[path], LOADER)!.route.agent, path).toBeUndefined();
    }
  });

  it('explains a refused origin on the policy only, and lets any page read the OpenAPI document', () => {
    expect(matchRoute(VISITOR_PATHS.policy, LOADER)!.route.explainsRefusal).toBe(true);
    expect(matchRoute(VISITOR_PATHS.messages, LOADER)!.route.explainsRefusal).toBeUndefined();
    expect(matchRoute(OPENAPI_PATH, LOADER)!.route).toMatchObject({ public: true });
    expect(matchRoute(VISITOR_PATHS.messages, LOADER)!.route.public).toBeUndefined();
  });

  it('marks the agent API and the inbox as agent routes (404 without agents)', () => {
    for (const path of [...Object.values(AGENT_PATHS), INBOX_PATHS.page, '/inbox', INBOX_PATHS.script]) {
      expect(matchRoute(path, LOADER)?.route.agent, path).toBe(true);
    }
    expect(methodsOf(AGENT_PATHS.session)).toEqual(['POST', 'DELETE']);
  });

  it("routes each conversation action with the conversation id decoded as the param", () => {
    for (const action of CONVERSATION_ACTIONS) {
      const match = matchRoute(agentConversationPath('conv 1/é', action), LOADER)!;
      expect(match.param, action).toBe('conv 1/é');
      expect(match.route.agent).toBe(true);
    }
    expect(methodsOf(agentConversationPath('c', 'messages'))).toEqual(['GET', 'POST']);
    expect(methodsOf(agentConversationPath('c', 'close'))).toEqual(['POST']);
  });

  it('matches nothing else: unknown paths, unknown actions, prototype names, ids past 200 characters, bad percent-encoding', () => {
    for (const path of ['/', '/v1', '/v1/policy/', '/V1/policy', '/constructor', 'constructor', 'toString', '__proto__', `${AGENT_PATHS.conversations}/c/delete`, `${AGENT_PATHS.conversations}/c/constructor`]) {
      expect(matchRoute(path, LOADER), path).toBeUndefined();
    }
    expect(matchRoute(`${AGENT_PATHS.conversations}/${'c'.repeat(200)}/close`, LOADER)).toBeDefined();
    expect(matchRoute(`${AGENT_PATHS.conversations}/${'c'.repeat(201)}/close`, LOADER)).toBeUndefined();
    expect(matchRoute(`${AGENT_PATHS.conversations}//close`, LOADER)).toBeUndefined();
    expect(matchRoute(`${AGENT_PATHS.conversations}/%E0%A4%A/close`, LOADER)).toBeUndefined();
  });
});

describe('allowedMethods: the Allow header of a route', () => {
  it("is the route's methods plus OPTIONS for the CORS preflight", () => {
    expect(allowedMethods(matchRoute(VISITOR_PATHS.policy, LOADER)!.route)).toEqual(['GET', 'HEAD', 'OPTIONS']);
    expect(allowedMethods(matchRoute(VISITOR_PATHS.identity, LOADER)!.route)).toEqual(['POST', 'OPTIONS']);
  });
});
