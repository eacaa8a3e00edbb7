/**
 * Every route of the handler as an OpenAPI operation, its path taken from
 * src/identity/wire.ts (the router's source too): a route the router serves
 * but the document lacks fails test/server/openapi.
 */
import {
  AGENT_CONVERSATION_PATH,
  AGENT_PATHS,
  INBOX_PATHS,
  OPENAPI_PATH,
  OPTIONAL_AGENT_STREAM_EVENTS,
  OPTIONAL_STREAM_EVENTS,
  STREAM_EVENTS_PARAM,
  VISITOR_PATHS,
  type ConversationAction,
} from '../../../identity/index.js';
import { AGENT_ERRORS, BAD_REQUEST, BODY_ERRORS, COMMON_ERRORS, empty, json, NOT_FOUND, SESSION_ERRORS, sse, type ResponseObject } from './responses.js';
import { integer, ref, string } from './schema.js';

type Method = 'get' | 'head' | 'post' | 'delete';

interface Operation {
  operationId: string;
  summary: string;
  security?: Record<string, string[]>[];
  parameters?: Record<string, unknown>[];
  requestBody?: Record<string, unknown>;
  responses: Record<string, ResponseObject>;
}

const SESSION = [{ session: [] }];
const AGENT: Record<string, string[]>[] = [{ agentToken: [] }, { agentCookie: [] }];
const body = (schema: string) => ({ required: true, content: { 'application/json': { schema: ref(schema) } } });
const query = (name: string, description: string, schema = string()) => ({ in: 'query', name, required: false, description, schema });
/** `?events=`: the optional events a stream client handles (the others are never sent to it). */
const eventsParameter = (names: readonly string[]) =>
  query(STREAM_EVENTS_PARAM, `Comma-separated optional events this client handles: ${names.join(', ')}. Without it, none of them is sent.`);
const idParameter = { in: 'path', name: 'id', required: true, description: 'The conversation id (percent-encoded).', schema: string() };

function visitor(operationId: string, summary: string, responses: Record<string, ResponseObject>, extra: Partial<Operation> = {}): Operation {
  return { operationId, summary, security: SESSION, ...extra, responses: { ...responses, ...SESSION_ERRORS, ...COMMON_ERRORS } };
}

function agent(operationId: string, summary: string, responses: Record<string, ResponseObject>, extra: Partial<Operation> = {}): Operation {
  return { operationId, summary, security: AGENT, ...extra, responses: { ...responses, ...AGENT_ERRORS, ...COMMON_ERRORS } };
}

const noContent = { '204': empty('Done.') };
const summaryAnswer = { '200': json('AgentConversationResponse', "The conversation's new summary.") };

/** What an agent does to one conversation, by action (wire.ts CONVERSATION_ACTIONS). */
const conversationActions: Record<Exclude<ConversationAction, 'messages'>, Operation> = {
  close: agent('closeConversation', 'Close the conversation (the visitor’s next message reopens it).', { ...summaryAnswer, ...NOT_FOUND }, { parameters: [idParameter] }),
  reopen: agent('reopenConversation', 'Reopen the conversation.', { ...summaryAnswer, ...NOT_FOUND }, { parameters: [idParameter] }),
  assign: agent('assignConversation', 'Assign to an agent, or unassign with null.', { ...summaryAnswer, ...NOT_FOUND, ...BODY_ERRORS }, { parameters: [idParameter], requestBody: body('AssignRequest') }),
  typing: agent('agentTyping', 'Tell the visitor and the other agents the agent is typing (throttled, never stored).', { ...noContent, ...NOT_FOUND }, { parameters: [idParameter] }),
  read: agent('readConversation', 'The agents have read up to seq (the visitor sees "Seen").', { ...summaryAnswer, ...NOT_FOUND, ...BODY_ERRORS }, { parameters: [idParameter], requestBody: body('ReadRequest') }),
};

const loader = {
  responses: {
    '200': { description: 'The widget script.', headers: { ETag: { required: true, schema: string() } }, content: { 'text/javascript': { schema: string() } } },
    '304': empty('Not modified (If-None-Match).'),
    '404': { $ref: '#/components/responses/NotFound' },
  },
};

const COOKIE = { 'Set-Cookie': { required: true, description: 'The HttpOnly, Secure, SameSite=Strict agent cookie, Path {base}/agent/.', schema: string() } };
const signIn: Operation = {
  operationId: 'agentSignIn',
  summary: 'The inbox’s sign-in: an agent token for the HttpOnly agent cookie (from the chat server’s own origin only).',
  requestBody: body('AgentSignInRequest'),
  responses: { '200': json('AgentSignInResponse', 'Signed in.', COOKIE), ...AGENT_ERRORS, ...BODY_ERRORS, ...COMMON_ERRORS },
};
const signOut: Operation = { operationId: 'agentSignOut', summary: 'Sign the inbox out (the cookie is cleared).', responses: { '204': { description: 'Signed out.', headers: COOKIE }, ...COMMON_ERRORS } };
const html = (description: string) => ({
  description,
  headers: { 'Content-Security-Policy': { required: true, schema: string() } },
  content: { 'text/html': { schema: string() } },
});
const inboxScript = {
  responses: {
    '200': { description: 'The inbox element (an ES module).', headers: { ETag: { required: true, schema: string() } }, content: { 'text/javascript': { schema: string() } } },
    '304': empty('Not modified (If-None-Match).'),
    '404': { $ref: '#/components/responses/NotFound' },
  },
};

export const PATHS: Record<string, Partial<Record<Method, Operation>>> = {
  [VISITOR_PATHS.loader]: {
    get: { operationId: 'getLoader', summary: 'The widget (loader.js).', ...loader },
    head: { operationId: 'headLoader', summary: 'The widget’s headers.', ...loader },
  },
  [VISITOR_PATHS.panel]: {
    get: { operationId: 'getPanel', summary: 'The widget’s panel (panel.js), loaded by loader.js.', ...loader },
    head: { operationId: 'headPanel', summary: 'The panel’s headers.', ...loader },
  },
  [OPENAPI_PATH]: {
    get: { operationId: 'getOpenApi', summary: 'This document (no credential, any origin).', responses: { '200': { description: 'The OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object' } } } } } },
  },
  [VISITOR_PATHS.policy]: {
    get: { operationId: 'getPolicy', summary: 'The identity rules, the server clock and whether an agent is available (no credential).', responses: { '200': json('PolicyResponse', 'The policy.'), ...COMMON_ERRORS } },
    head: { operationId: 'headPolicy', summary: 'The policy’s headers.', responses: { '200': empty('The policy’s headers.'), ...COMMON_ERRORS } },
  },
  [VISITOR_PATHS.identity]: {
    post: {
      operationId: 'register',
      summary: 'Register an identity; answers a session. An Authorization header names the session to renew.',
      requestBody: body('RegisterRequest'),
      responses: { '200': json('RegisterResponse', 'The session.'), ...BODY_ERRORS, ...SESSION_ERRORS, ...COMMON_ERRORS },
    },
  },
  [VISITOR_PATHS.conversation]: { get: visitor('getConversation', 'The visitor’s conversation.', { '200': json('ConversationResponse', 'The history.') }) },
  [VISITOR_PATHS.messages]: {
    post: visitor('sendMessage', 'Send a message (idempotent by clientId).', { '201': json('SendMessageResponse', 'Stored.'), '200': json('SendMessageResponse', 'Already stored (a retry).'), ...BODY_ERRORS }, { requestBody: body('SendMessageRequest') }),
  },
  [VISITOR_PATHS.stream]: {
    get: visitor('visitorStream', 'The conversation as Server-Sent Events; resend Last-Event-ID on reconnect.', { '200': sse('StreamEvent', 'The stream.'), ...BAD_REQUEST }, {
      parameters: [{ in: 'header', name: 'Last-Event-ID', required: false, schema: string() }, eventsParameter(OPTIONAL_STREAM_EVENTS)],
    }),
  },
  [VISITOR_PATHS.page]: { post: visitor('pageChange', 'The page the visitor is on.', { ...noContent, ...BODY_ERRORS }, { requestBody: body('PageChangeRequest') }) },
  [VISITOR_PATHS.session]: { delete: visitor('logout', 'End the session and its streams.', noContent) },
  [VISITOR_PATHS.typing]: { post: visitor('visitorTyping', 'The visitor is typing (throttled, never stored).', noContent) },
  [VISITOR_PATHS.read]: { post: visitor('visitorRead', 'The visitor has read up to seq.', { ...noContent, ...BODY_ERRORS }, { requestBody: body('ReadRequest') }) },
  [VISITOR_PATHS.email]: { post: visitor('visitorEmail', 'Where a reply may reach the visitor later.', { ...noContent, ...BODY_ERRORS }, { requestBody: body('EmailRequest') }) },
  [AGENT_PATHS.conversations]: {
    get: agent('listConversations', 'One page of conversation summaries, newest activity first.', { '200': json('AgentConversationsResponse', 'A page.'), ...BODY_ERRORS }, {
      parameters: [
        query('limit', '1–200, default 50.', integer({ minimum: 1, maximum: 200 })),
        query('cursor', 'The previous page’s cursor.'),
        query('status', 'Only open or only closed conversations.', { type: 'string', enum: ['open', 'closed'] }),
        query('assignee', '`me`, `none` or an agent id.'),
        query('q', 'Search the uuid, the e-mails and the mapped fields (names), at most 100 characters.'),
      ],
    }),
  },
  [`${AGENT_CONVERSATION_PATH}/messages`]: {
    get: agent('conversationMessages', 'One page of a conversation’s history.', { '200': json('AgentMessagesResponse', 'A page.'), ...NOT_FOUND, ...BODY_ERRORS }, {
      parameters: [idParameter, query('limit', '1–200, default 50.', integer({ minimum: 1, maximum: 200 })), query('before', 'Messages before this seq.', integer({ minimum: 0 })), query('after', 'Messages after this seq.', integer({ minimum: 0 }))],
    }),
    post: agent('agentReply', 'Reply (the message carries the agent).', { '201': json('SendMessageResponse', 'Stored.'), '200': json('SendMessageResponse', 'Already stored (a retry).'), ...NOT_FOUND, ...BODY_ERRORS }, {
      parameters: [idParameter],
      requestBody: body('AgentReplyRequest'),
    }),
  },
  ...Object.fromEntries(Object.entries(conversationActions).map(([action, operation]) => [`${AGENT_CONVERSATION_PATH}/${action}`, { post: operation }])),
  [AGENT_PATHS.me]: { get: agent('agentMe', 'Who is signed in, their status, the agents, who is available.', { '200': json('AgentMeResponse', 'The agent.') }) },
  [AGENT_PATHS.status]: { post: agent('agentStatus', 'Set the agent’s own status (away agents are not available).', { ...noContent, ...BODY_ERRORS }, { requestBody: body('AgentStatusRequest') }) },
  [AGENT_PATHS.session]: { post: signIn, delete: signOut },
  [INBOX_PATHS.page]: {
    get: { operationId: 'getInbox', summary: 'The agent inbox page (when agents are configured), under its own strict CSP.', responses: { '200': html('The page.'), ...COMMON_ERRORS } },
    head: { operationId: 'headInbox', summary: 'The inbox page’s headers.', responses: { '200': { description: 'The page’s headers.', headers: html('').headers }, ...COMMON_ERRORS } },
  },
  [INBOX_PATHS.page.slice(0, -1)]: {
    get: { operationId: 'inboxRedirect', summary: 'To the inbox page.', responses: { '308': { description: 'To {base}/inbox/.', headers: { Location: { required: true, schema: string() } } } } },
  },
  [INBOX_PATHS.script]: {
    get: { operationId: 'getInboxScript', summary: 'The inbox element (404 when the server runs from source).', ...inboxScript },
    head: { operationId: 'headInboxScript', summary: 'The inbox element’s headers.', ...inboxScript },
  },
  [AGENT_PATHS.stream]: { get: agent('agentStream', 'Summaries, new messages, typing and presence as Server-Sent Events.', { '200': sse('AgentStreamEvent', 'The stream.') }, { parameters: [eventsParameter(OPTIONAL_AGENT_STREAM_EVENTS)] }) },
};
