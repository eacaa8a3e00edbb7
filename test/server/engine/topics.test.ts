/**
 * topicsOf (issue 22 item 3): the one table of who hears which bus event,
 * shared by every engine's bus and the Redis append script's caller.
 */
import { describe, expect, it } from 'vitest';
import { topicsOf } from '../../../src/server/engine/topics.js';

const conversationId = 'acme.00000000-0000-4000-8000-000000000001';
const message = { id: 'm1', seq: 1, author: 'visitor' as const, body: 'hi', createdAt: 1 };

describe('topicsOf: who hears an event', () => {
  it('sends a message to its conversation\'s visitor streams and to the agents', () => {
    expect(topicsOf({ type: 'message', conversationId, message })).toEqual([{ conversationId }, 'agents']);
  });

  it('lets the visitor see an agent typing or reading, but keeps the visitor\'s own typing and reading for the agents', () => {
    for (const type of ['typing', 'read'] as const) {
      const agent = type === 'typing' ? { type, conversationId, author: 'agent' as const } : { type, conversationId, author: 'agent' as const, seq: 3 };
      const visitor = { ...agent, author: 'visitor' as const };
      expect(topicsOf(agent)).toEqual([{ conversationId }, 'agents']);
      expect(topicsOf(visitor)).toEqual(['agents']);
    }
  });

  it('tells only the agents that a conversation changed, and only the conversation that its session ended', () => {
    expect(topicsOf({ type: 'conversation', conversationId })).toEqual(['agents']);
    expect(topicsOf({ type: 'session_ended', conversationId, sessionId: 'acme.s1' })).toEqual([{ conversationId }]);
  });

  it('sends presence, presence questions and agent status to every instance of the community', () => {
    expect(topicsOf({ type: 'presence', instance: 'i1', agents: ['a1'], ttlMs: 30_000 })).toEqual(['community']);
    expect(topicsOf({ type: 'presence_query', instance: 'i1' })).toEqual(['community']);
    expect(topicsOf({ type: 'agent_status', agentId: 'a1', status: 'away' })).toEqual(['community']);
  });
});
