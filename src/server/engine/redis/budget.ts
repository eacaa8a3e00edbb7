import type { VerifiedIdentity } from '../../../identity/index.js';
import { EngineError } from '../types.js';
import { luaScript, type RedisClient } from './client.js';
import { ADMIT_CONVERSATION, CAP_SESSIONS, CHARGE_MESSAGE, IDLE_CANDIDATES, RELEASE_IDLE, TOUCH_SESSION_FIELD } from './budget-scripts.js';
import type { Guard } from './faults.js';
import type { Keys } from './keys.js';
import type { RedisRetention } from './retention-types.js';

const admitScript = luaScript(ADMIT_CONVERSATION);
const chargeScript = luaScript(CHARGE_MESSAGE);
const capScript = luaScript(CAP_SESSIONS);
const candidatesScript = luaScript(IDLE_CANDIDATES);
const releaseScript = luaScript(RELEASE_IDLE);
const touchFieldScript = luaScript(TOUCH_SESSION_FIELD);

/** Estimated Redis bytes of a conversation's records beyond their text (hash, index, list entry, TTLs). */
export const CONVERSATION_OVERHEAD_BYTES = 600;
/** Estimated Redis bytes of a message beyond its body (its JSON around it, the sorted-set entry, its clientId record). */
export const MESSAGE_OVERHEAD_BYTES = 250;

/**
 * How many of an address's idle-looking conversations one new conversation
 * checks at most (each on its own slot) before it is refused: a bound, so an
 * address whose charges were lost costs a few calls, never a walk of its set.
 */
export const RECLAIM_CANDIDATES = 4;

/**
 * What an address's conversation turned out to be on its own slot when the
 * quota wanted it back (TAKE_IF_IDLE): deleted as idle, gone already, or
 * active (its last message, server ms), then kept.
 */
export type TakeOutcome = 'taken' | 'gone' | number;

/** A message's charge in the community's budget: its body plus the overhead. */
export function messageBytes(body: string): number {
  return MESSAGE_OVERHEAD_BYTES + body.length;
}

/**
 * The Redis engine's bounds (issue 16 HIGH 2): the community budget and the
 * address quota a new conversation must fit in, the charge of each message,
 * and the session cap per conversation.
 */
export function createBudget(client: RedisClient, guard: Guard, keys: Keys, retention: RedisRetention) {
  const budgetKeys = (community: string, owner: string | undefined): string[] => {
    const budget = keys.budget(community);
    return [budget.live, budget.bytes, budget.owner(owner ?? '')];
  };

  return {
    /**
     * Refuses a new conversation with ERR_CAPACITY when its community or its
     * address is at its bound; an address at its quota first gives back its
     * own idle conversation. The owner's set only names candidates (on a
     * Cluster a charge may have been lost, and an active conversation look
     * idle there): `take` checks each on its own slot and deletes it only when
     * it really is idle. One found active gets its score back and the next is
     * tried, at most RECLAIM_CANDIDATES.
     */
    async admit(community: string, id: string, key: string, identity: VerifiedIdentity, owner: string | undefined, take: (id: string) => Promise<TakeOutcome>): Promise<void> {
      const size = CONVERSATION_OVERHEAD_BYTES + key.length + JSON.stringify(identity).length;
      const keyList = budgetKeys(community, owner);
      const ask = () =>
        guard(() =>
        admitScript(client, keyList, [
          id,
          size,
          retention.emptyConversationIdleMs,
          retention.maxConversationsPerCommunity,
          retention.maxBytesPerCommunity,
          retention.maxConversationsPerAddress,
          owner === undefined ? '0' : '1',
        ]),
      );
      let answer = await ask();
      if (answer === 'address') {
        const candidates = (await guard(() =>
          candidatesScript(client, keyList, [retention.evictIdleAfterMs, retention.conversationIdleMs, RECLAIM_CANDIDATES]),
        )) as string[];
        let active: (string | number)[] = [];
        const release = async (given: string): Promise<void> => {
          const repairs = active;
          active = [];
          await guard(() => releaseScript(client, keyList, [retention.conversationIdleMs, given, ...repairs]));
        };
        for (const candidate of candidates) {
          const outcome = await take(candidate);
          if (typeof outcome === 'number') {
            // Active after all (its charge was lost): the owner's set gets the score the charge would have given.
            active.push(candidate, outcome);
            continue;
          }
          await release(candidate);
          answer = await ask();
          if (answer !== 'address') break;
        }
        if (active.length > 0) await release('');
      }
      if (answer === 'address') {
        throw new EngineError('ERR_CAPACITY', `This address already holds ${retention.maxConversationsPerAddress} conversations: try again later.`, 60);
      }
      if (answer !== 'ok') throw new EngineError('ERR_CAPACITY', 'The chat server is at capacity for this community: try again later.', 60);
    },
    /**
     * Charges a stored message apart from its append (on a Cluster, where the budget is another slot
     * than the conversation's; on one node the append script charges): a hint, so its failure never
     * fails the message.
     */
    charge(community: string, id: string, body: string, first: boolean, owner: string): Promise<unknown> {
      const size = messageBytes(body);
      return guard(() =>
        chargeScript(client, budgetKeys(community, owner === '' ? undefined : owner), [id, size, retention.conversationIdleMs, first ? '1' : '0', owner === '' ? '0' : '1']),
      ).catch(() => undefined);
    },
    /** Records the session on its conversation; returns the sessions past the cap, which the caller ends. */
    async capSessions(community: string, conversationId: string, sessionId: string, lastSeenAt: number): Promise<string[]> {
      const key = keys.conversation(community, conversationId).record;
      return (await guard(() => capScript(client, [key], [sessionId, lastSeenAt, retention.maxSessionsPerConversation]))) as string[];
    },
    /** Activity moves a session up in its conversation's cap. */
    async touchSession(community: string, conversationId: string, sessionId: string, lastSeenAt: number): Promise<void> {
      await guard(() => touchFieldScript(client, [keys.conversation(community, conversationId).record], [sessionId, lastSeenAt]));
    },
  };
}
