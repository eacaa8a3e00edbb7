import type { Call, HandlerContext } from './context.js';
import type { Reply } from './http/reply.js';
import { agentReply, conversationMessages, listConversations } from './routes/agent.js';
import { agentStream } from './routes/agent-stream.js';
import { policy } from './routes/policy.js';
import { register } from './routes/register.js';
import { visitorStream } from './routes/stream.js';
import { getConversation, logout, pageChange, sendMessage } from './routes/visitor.js';

export type RouteFn = (ctx: HandlerContext, call: Call) => Promise<Reply>;

export interface Route {
  /** Method → implementation. */
  methods: Readonly<Record<string, RouteFn>>;
  /** Agent routes exist only when an agentToken is configured. */
  agent?: boolean;
  /** Public routes answer any Origin (loader.js is loaded by a classic script tag). */
  public?: boolean;
  /**
   * A route that holds no data answers a refused Origin with a refusal that page can read
   * (SPEC §6 "Fitting"): the widget then names the origin and the option in the console,
   * instead of a bare network error.
   */
  explainsRefusal?: boolean;
}

/** The wire contract's paths (src/identity/protocol.ts), relative to basePath. */
const STATIC_ROUTES: Readonly<Record<string, Route>> = {
  '/v1/policy': { methods: { GET: policy, HEAD: policy }, explainsRefusal: true },
  '/v1/identity': { methods: { POST: register } },
  '/v1/conversation': { methods: { GET: getConversation } },
  '/v1/messages': { methods: { POST: sendMessage } },
  '/v1/stream': { methods: { GET: visitorStream } },
  '/v1/page': { methods: { POST: pageChange } },
  '/v1/session': { methods: { DELETE: logout } },
  '/agent/v1/conversations': { methods: { GET: listConversations }, agent: true },
  '/agent/v1/stream': { methods: { GET: agentStream }, agent: true },
};

/** One conversation's history (GET, paged) and the agent's reply (POST). */
const AGENT_MESSAGES: Route = { methods: { GET: conversationMessages, POST: agentReply }, agent: true };
const AGENT_REPLY_PATH = /^\/agent\/v1\/conversations\/([^/]{1,200})\/messages$/;

export function matchRoute(path: string, loader: Route, panel?: Route): { route: Route; param: string } | undefined {
  if (path === '/loader.js') return { route: loader, param: '' };
  if (path === '/panel.js' && panel) return { route: panel, param: '' };
  const route = Object.hasOwn(STATIC_ROUTES, path) ? STATIC_ROUTES[path] : undefined;
  if (route) return { route, param: '' };
  const reply = AGENT_REPLY_PATH.exec(path);
  if (reply) {
    try {
      return { route: AGENT_MESSAGES, param: decodeURIComponent(reply[1]!) };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The Allow header of a route: its methods, plus OPTIONS for CORS preflight. */
export function allowedMethods(route: Route): string[] {
  return [...Object.keys(route.methods), 'OPTIONS'];
}
