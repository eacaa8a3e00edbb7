import { isPlainText, type AgentIdentity } from '../../../identity/index.js';
import { MessagingConfigError } from '../../errors.js';
import type { ConversationStore } from '../../store/types.js';
import type { AgentConfig, AgentSetup, AuthenticateAgent } from '../agent-types.js';
import { MIN_AGENT_TOKEN_LENGTH, normalizeAgentToken } from '../options.js';

export type { AgentConfig, AgentSetup, AuthenticateAgent } from '../agent-types.js';

/** The agent `agentToken` stands for. */
export const TOKEN_AGENT: Readonly<AgentIdentity> = Object.freeze({ id: 'agent', name: 'Agent' });

/** An agent id: what goes into summaries (`assignee`) and messages, from the options or authenticateAgent. */
export const AGENT_ID_PATTERN = /^[A-Za-z0-9._@:-]{1,128}$/;
const NAME_MAX = 100;
const AVATAR_URL_MAX = 2048;
const REPLY_TIME_MAX = 200;

interface AgentOptions {
  agents?: unknown;
  agentToken?: unknown;
  authenticateAgent?: unknown;
  replyTime?: unknown;
}

/**
 * Reads `agents`, `agentToken`, `authenticateAgent` and `replyTime`; undefined
 * when none of the first three is set (the agent API is off: 404). Every
 * problem is listed with its path in one MessagingConfigError.
 */
export function resolveAgents(options: AgentOptions): AgentSetup | undefined {
  const problems: { path: string; message: string }[] = [];
  const problem = (path: string, message: string): void => void problems.push({ path, message: `${path}: ${message}` });
  const byToken = new Map<string, AgentIdentity>();
  const listed: AgentIdentity[] = [];
  let shorthand: string | undefined;
  try {
    shorthand = normalizeAgentToken(options.agentToken);
  } catch (error) {
    problems.push(...(error as MessagingConfigError).problems);
  }
  if (shorthand !== undefined) {
    byToken.set(shorthand, TOKEN_AGENT);
    listed.push(TOKEN_AGENT);
  }
  if (options.agents !== undefined) {
    if (!Array.isArray(options.agents)) problem('agents', 'must be a list such as [{ id, name, token }].');
    else {
      // Ids and tokens of every entry, valid or not: a duplicate is named even beside another mistake.
      const seen = { ids: new Set<string>(), tokens: new Set(byToken.keys()) };
      options.agents.forEach((entry, index) => readAgent(entry, `agents[${index}]`, seen, byToken, listed, problem));
    }
  }
  if (options.authenticateAgent !== undefined && typeof options.authenticateAgent !== 'function') {
    problem('authenticateAgent', 'must be a function (request) => Promise<{ id, name, avatarUrl? } | null>.');
  }
  if (options.replyTime !== undefined && (typeof options.replyTime !== 'string' || options.replyTime.length > REPLY_TIME_MAX || !isPlainText(options.replyTime, false))) {
    problem('replyTime', `must be plain text of at most ${REPLY_TIME_MAX} characters, e.g. "Usually replies within an hour".`);
  }
  if (problems.length > 0) {
    const message = problems.length === 1 ? problems[0]!.message : `createMessagingHandler: ${problems.length} problems: ${problems.map((p) => p.message).join(' ')}`;
    throw new MessagingConfigError(problems[0]!.path, message, problems);
  }
  const authenticate = options.authenticateAgent as AuthenticateAgent | undefined;
  if (byToken.size === 0 && authenticate === undefined) return undefined;
  return { byToken, authenticate, listed, replyTime: options.replyTime as string | undefined };
}

function readAgent(
  entry: unknown,
  path: string,
  seen: { ids: Set<string>; tokens: Set<string> },
  byToken: Map<string, AgentIdentity>,
  listed: AgentIdentity[],
  problem: (path: string, message: string) => void,
): void {
  if (typeof entry !== 'object' || entry === null) return problem(path, 'must be an object { id, name, avatarUrl?, token }.');
  const { id, name, avatarUrl, token } = entry as Record<string, unknown>;
  let ok = true;
  const fail = (field: string, message: string): void => {
    ok = false;
    problem(`${path}.${field}`, message);
  };
  if (typeof id !== 'string' || !AGENT_ID_PATTERN.test(id)) fail('id', 'must be 1–128 characters A-Z a-z 0-9 . _ @ : -.');
  else if (seen.ids.has(id)) fail('id', `"${id}" is used by another agent; ids must be unique.`);
  if (typeof id === 'string') seen.ids.add(id);
  if (typeof name !== 'string' || name.trim() === '' || name.length > NAME_MAX || !isPlainText(name, false)) fail('name', `must be plain text of 1–${NAME_MAX} characters.`);
  if (avatarUrl !== undefined && !isHttpUrl(avatarUrl)) fail('avatarUrl', `must be an http(s) URL of at most ${AVATAR_URL_MAX} characters.`);
  if (typeof token !== 'string' || token.length < MIN_AGENT_TOKEN_LENGTH || token.length > 512 || /[^\x21-\x7e]/.test(token)) {
    fail('token', `must be ${MIN_AGENT_TOKEN_LENGTH}–512 printable characters without spaces (make one with \`openssl rand -base64 32\`).`);
  } else if (seen.tokens.has(token)) fail('token', 'is the token of another agent (or agentToken); each agent needs their own.');
  if (typeof token === 'string') seen.tokens.add(token);
  if (!ok) return;
  const agent: AgentIdentity = Object.freeze({ id: id as string, name: name as string, ...(avatarUrl === undefined ? {} : { avatarUrl: avatarUrl as string }) });
  listed.push(agent);
  byToken.set(token as string, agent);
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > AVATAR_URL_MAX) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * A store written before SPEC §11 lacks the state methods: said at start-up,
 * not as a 500 on the first visitor message (every message notes its unread count).
 */
export function checkStoreState(store: ConversationStore): void {
  const missing = (['updateState', 'noteVisitorMessage'] as const).filter((method) => typeof store[method] !== 'function');
  if (missing.length === 0) return;
  throw new MessagingConfigError(
    'store',
    `createMessagingHandler: the store has no ${missing.join(' or ')} (SPEC §11 conversation state; see ConversationStore in chatq/server). Add them, or keep createMemoryStore() / an engine.`,
  );
}
