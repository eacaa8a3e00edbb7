import type { AgentConversationSummary } from '../../../../identity/index.js';
import type { ConversationRecord } from '../../../store/index.js';
import type { Call, HandlerContext } from '../../context.js';
import { timingSafeEqualText } from '../../crypto.js';
import { readBearerToken } from '../../http/bearer.js';
import { HttpError } from '../../http/errors.js';
import { enforceRate } from '../../rate.js';
import { publicIdentity } from './public-views.js';

/** SPEC §6 "Bounds": the agent list and a history are paged; these are the page sizes. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/**
 * The agent API (SPEC §6), behind its own bearer credential. The comparison
 * takes the same time wherever the tokens differ, and wrong credentials are
 * limited per address (429), so the token cannot be guessed.
 */
export async function authenticateAgent(ctx: HandlerContext, call: Call): Promise<void> {
  const presented = readBearerToken(call.request).token ?? '';
  const expected = ctx.agentToken ?? '';
  if (expected !== '' && (await timingSafeEqualText(presented, expected))) return;
  await enforceRate(ctx, `agent-auth:address:${call.clientAddress()}`, ctx.limits.agentAuthFailuresPerMinutePerAddress, 'wrong agent credentials from this address');
  throw new HttpError(401, 'ERR_AGENT_UNAUTHORIZED', 'Send the agent token as Authorization: Bearer <agentToken>.', {
    'WWW-Authenticate': 'Bearer',
  });
}

/** A conversation as an agent sees it, without its history: the verified identity exactly as the community mapping produced it. */
export function agentSummary(record: ConversationRecord): AgentConversationSummary {
  const { identity } = record;
  return {
    id: record.id,
    ...publicIdentity(identity),
    customFields: identity.customFields ?? {},
    extraValues: identity.extraValues ?? {},
    ...(record.lastPage === undefined ? {} : { lastPage: record.lastPage }),
    updatedAt: record.updatedAt,
    lastSeq: record.lastSeq,
  };
}
