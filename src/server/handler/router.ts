import { AGENT_PATHS, INBOX_PATHS, OPENAPI_PATH, VISITOR_PATHS, type ConversationAction } from '../../identity/index.js';
import { agentReply, conversationMessages, listConversations } from './routes/agent.js';
import { agentMe, agentStatus } from './routes/agent-me.js';
import { agentSignIn, agentSignOut } from './routes/agent-session.js';
import { agentTyping, assignConversation, closeConversation, readConversation, reopenConversation } from './routes/agent-state.js';
import { agentStream } from './routes/agent-stream.js';
import { inboxPage, inboxRedirect, inboxScript } from './routes/inbox.js';
import { openApiDocument } from './routes/openapi.js';
import { policy } from './routes/policy.js';
import { register } from './routes/register.js';
import type { Route } from './routes/shared/route-types.js';
import { visitorStream } from './routes/stream.js';
import { getConversation, logout, pageChange, sendMessage } from './routes/visitor.js';
import { visitorEmail, visitorRead, visitorTyping } from './routes/visitor-state.js';

export type { Route, RouteFn } from './routes/shared/route-types.js';

/** The wire contract's paths (src/identity/wire.ts), relative to basePath. */
const STATIC_ROUTES: Readonly<Record<string, Route>> = {
  [VISITOR_PATHS.policy]: { methods: { GET: policy, HEAD: policy }, explainsRefusal: true },
  [VISITOR_PATHS.identity]: { methods: { POST: register } },
  [VISITOR_PATHS.conversation]: { methods: { GET: getConversation } },
  [VISITOR_PATHS.messages]: { methods: { POST: sendMessage } },
  [VISITOR_PATHS.stream]: { methods: { GET: visitorStream } },
  [VISITOR_PATHS.page]: { methods: { POST: pageChange } },
  [VISITOR_PATHS.session]: { methods: { DELETE: logout } },
  [VISITOR_PATHS.typing]: { methods: { POST: visitorTyping } },
  [VISITOR_PATHS.read]: { methods: { POST: visitorRead } },
  [VISITOR_PATHS.email]: { methods: { POST: visitorEmail } },
  // The contract holds no data: any page (an API explorer, a code generator) may read it.
  [OPENAPI_PATH]: { methods: { GET: openApiDocument }, public: true },
  [AGENT_PATHS.conversations]: { methods: { GET: listConversations }, agent: true },
  [AGENT_PATHS.stream]: { methods: { GET: agentStream }, agent: true },
  [AGENT_PATHS.me]: { methods: { GET: agentMe }, agent: true },
  [AGENT_PATHS.status]: { methods: { POST: agentStatus }, agent: true },
  [AGENT_PATHS.session]: { methods: { POST: agentSignIn, DELETE: agentSignOut }, agent: true },
  // The inbox (SPEC §11): its page is navigated to and its module script loaded from the same origin.
  [INBOX_PATHS.page]: { methods: { GET: inboxPage, HEAD: inboxPage }, agent: true },
  [INBOX_PATHS.page.slice(0, -1)]: { methods: { GET: inboxRedirect }, agent: true },
  [INBOX_PATHS.script]: { methods: { GET: inboxScript, HEAD: inboxScript }, agent: true },
};

/** `{base}/agent/v1/conversations/{id}/<action>`: one conversation's history (GET, paged), the reply and the state changes. */
const CONVERSATION_ROUTES: Readonly<Record<ConversationAction, Route>> = {
  messages: { methods: { GET: conversationMessages, POST: agentReply }, agent: true },
  close: { methods: { POST: closeConversation }, agent: true },
  reopen: { methods: { POST: reopenConversation }, agent: true },
  assign: { methods: { POST: assignConversation }, agent: true },
  typing: { methods: { POST: agentTyping }, agent: true },
  read: { methods: { POST: readConversation }, agent: true },
};
/** The answer of matchRoute for each static path, made once rather than on every request. */
const STATIC_MATCHES: ReadonlyMap<string, { route: Route; param: string }> = new Map(
  Object.entries(STATIC_ROUTES).map(([path, route]) => [path, Object.freeze({ route, param: '' })]),
);
const CONVERSATION_PATH = new RegExp(`^${AGENT_PATHS.conversations}/([^/]{1,200})/([a-z]+)$`);

export function matchRoute(path: string, loader: Route, panel?: Route): { route: Route; param: string } | undefined {
  if (path === VISITOR_PATHS.loader) return { route: loader, param: '' };
  // The panel (SPEC §10): a script like loader.js, not part of the API document.
  if (path === VISITOR_PATHS.panel && panel) return { route: panel, param: '' };
  const known = STATIC_MATCHES.get(path);
  if (known) return known;
  const match = CONVERSATION_PATH.exec(path);
  const action = match && Object.hasOwn(CONVERSATION_ROUTES, match[2]!) ? CONVERSATION_ROUTES[match[2] as ConversationAction] : undefined;
  if (!action) return undefined;
  try {
    return { route: action, param: decodeURIComponent(match![1]!) };
  } catch {
    return undefined;
  }
}

/** The Allow header of a route: its methods, plus OPTIONS for CORS preflight. */
export function allowedMethods(route: Route): string[] {
  return [...Object.keys(route.methods), 'OPTIONS'];
}
