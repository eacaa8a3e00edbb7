import type { HandlerContext } from './context.js';
import { HttpError } from './http/errors.js';

/**
 * Takes a token from the engine's shared buckets or throws 429
 * ERR_RATE_LIMITED with Retry-After (SPEC §6 "Abuse limits"). Keys carry the
 * community, so communities sharing an engine have separate budgets.
 */
export async function enforceRate(ctx: HandlerContext, key: string, perMinute: number, what: string): Promise<void> {
  await takeRate(ctx, key, perMinute, what);
}

/**
 * enforceRate for the busiest routes (a sign-in, a message): no promise when
 * nothing is waited for, a limit that is off or a limiter that answers at once
 * (the memory engine's). Then it returns undefined, or throws the 429 where
 * it is called; a limiter that answers later gives a promise to await.
 */
export function takeRate(ctx: HandlerContext, key: string, perMinute: number, what: string): Promise<void> | undefined {
  if (!Number.isFinite(perMinute)) return undefined;
  const wait = ctx.limiter.take(`${ctx.community}:${key}`, perMinute, ctx.now());
  if (typeof wait === 'number') return refuseIfWaiting(wait, what);
  return wait.then((seconds) => refuseIfWaiting(seconds, what));
}

function refuseIfWaiting(wait: number, what: string): undefined {
  if (wait > 0) {
    throw new HttpError(429, 'ERR_RATE_LIMITED', `Too many ${what}; wait ${wait} s and try again.`, { 'Retry-After': String(wait) });
  }
  return undefined;
}

/** A visitor write's three budgets (per minute), e.g. messagesPerMinutePer{Session,Conversation,Address}. */
export interface VisitorBudgets {
  session: number;
  conversation: number;
  address: number;
}

/**
 * A visitor's write (a message, a page change) spends from three buckets: its
 * session's; its conversation's, since re-registering gives a conversation
 * any number of sessions; and its address's, since one address can hold any
 * number of conversations. `kind.key` prefixes the buckets; `kind.words` names the write in the 429.
 * In that order, each after the one before has answered.
 */
export async function enforceVisitorRates(
  ctx: HandlerContext,
  kind: { key: string; words: string },
  who: { sessionId: string; conversationId: string; address: string },
  budgets: VisitorBudgets,
): Promise<void> {
  const session = takeRate(ctx, `${kind.key}:session:${who.sessionId}`, budgets.session, kind.words);
  if (session) await session;
  const conversation = takeRate(ctx, `${kind.key}:conversation:${who.conversationId}`, budgets.conversation, `${kind.words} in this conversation`);
  if (conversation) await conversation;
  const address = takeRate(ctx, `${kind.key}:address:${who.address}`, budgets.address, `${kind.words} from this address`);
  if (address) await address;
}
