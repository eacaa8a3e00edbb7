/**
 * The SPEC §11 part of the engine contract (issue 19): ConversationStore's
 * state methods (updateState, noteVisitorMessage), the agent on agent
 * messages, and the new bus events crossing instances. Every engine runs it
 * (state.test.ts: memory and a real redis-server; a new engine calls
 * describeStateContract with its own factory).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BusEvent, Engine } from '../../../src/server/engine/index.js';
import { eventually, identity, type ContractOptions, type EngineFactory } from './contract.js';

const ALICE = { id: 'alice', name: 'Alice', avatarUrl: 'https://cdn.test/a.png' };

export function describeStateContract(name: string, factory: EngineFactory): void {
  const options: ContractOptions = { maxMessagesPerConversation: 3, maxConversationsPerAddress: 100, maxSessionsPerConversation: 10, evictIdleAfterMs: 60_000 };
  describe(`engine state contract (SPEC §11): ${name}`, () => {
    let engine: Engine;
    const others: Engine[] = [];
    beforeEach(async () => {
      engine = await factory.make(options);
    });
    afterEach(async () => {
      await engine.close();
      for (const other of others.splice(0)) await other.close();
    });

    async function conversation(at = 1_000) {
      return (await engine.store.upsertConversation('acme', `signed:${crypto.randomUUID()}`, identity('u'), at)).id;
    }

    it('a new conversation is open, unassigned, with nothing read and nothing unread', async () => {
      const id = await conversation();
      const record = await engine.store.getConversation(id);
      expect(record?.state ?? { status: 'open', visitorReadSeq: 0, agentReadSeq: 0, unread: 0 }).toEqual({ status: 'open', visitorReadSeq: 0, agentReadSeq: 0, unread: 0 });
    });

    it('updateState: status, assignee (null unassigns), email; other fields stay; updatedAt does not move', async () => {
      const id = await conversation(1_000);
      await engine.store.updateState(id, { status: 'closed', assignee: 'bob', email: 'ada@example.com' });
      const record = await engine.store.updateState(id, { assignee: null });
      expect(record?.state).toEqual({ status: 'closed', email: 'ada@example.com', visitorReadSeq: 0, agentReadSeq: 0, unread: 0 });
      expect(record?.updatedAt).toBe(1_000);
      expect((await engine.store.getConversation(id))?.state).toEqual(record?.state);
      expect(await engine.store.updateState('acme.unknown', { status: 'closed' })).toBeUndefined();
    });

    it('unread: visitor messages past the agents’ position; read positions only move forward and stop at lastSeq', async () => {
      const id = await conversation();
      const append = async (author: 'visitor' | 'agent', body: string) => {
        // An engine's append counts a visitor message itself (ConversationStore.appendMessage).
        const { message } = (await engine.store.appendMessage(id, { author, body, createdAt: 2_000 }))!;
        return message.seq;
      };
      await append('visitor', 'one');
      await append('agent', 'answer');
      await append('visitor', 'two');
      await append('visitor', 'three');
      expect((await engine.store.getConversation(id))?.state).toMatchObject({ unread: 3, agentReadSeq: 0 });
      expect((await engine.store.updateState(id, { agentReadSeq: 3 }))?.state).toMatchObject({ agentReadSeq: 3, unread: 1 });
      expect((await engine.store.updateState(id, { agentReadSeq: 1 }))?.state).toMatchObject({ agentReadSeq: 3, unread: 1 });
      expect((await engine.store.updateState(id, { agentReadSeq: 99, visitorReadSeq: 2.7 }))?.state).toMatchObject({ agentReadSeq: 4, unread: 0, visitorReadSeq: 2 });
      // A body that looks like the author field is still an agent's message.
      await append('agent', '"author":"visitor"');
      expect((await engine.store.updateState(id, { agentReadSeq: 4 }))?.state).toMatchObject({ unread: 0 });
    });

    it('noteVisitorMessage reopens a closed conversation and counts only past the agents’ position', async () => {
      const id = await conversation();
      await engine.store.updateState(id, { status: 'closed' });
      const record = await engine.store.noteVisitorMessage(id, 1);
      expect(record?.state).toMatchObject({ status: 'open', unread: 1 });
      expect(await engine.store.noteVisitorMessage('acme.unknown', 1)).toBeUndefined();
    });

    it('an agent message keeps its agent, in the answer, the history and an idempotent retry', async () => {
      const id = await conversation();
      const first = await engine.store.appendMessage(id, { author: 'agent', agent: ALICE, body: 'hi', clientId: 'agent-cid-1', createdAt: 3_000 });
      expect(first?.message).toEqual({ id: first!.message.id, seq: 1, clientId: 'agent-cid-1', author: 'agent', agent: ALICE, body: 'hi', createdAt: 3_000 });
      expect((await engine.store.listMessages(id))[0]).toEqual(first?.message);
      const retry = await engine.store.appendMessage(id, { author: 'agent', agent: ALICE, body: 'hi', clientId: 'agent-cid-1', createdAt: 3_001 });
      expect(retry).toEqual({ message: first?.message, created: false });
      const visitor = await engine.store.appendMessage(id, { author: 'visitor', body: 'x', createdAt: 3_002 });
      expect(visitor?.message.agent).toBeUndefined();
    });

    it('the bus carries typing, read, presence, presence_query and agent_status to another instance', async () => {
      const other = await factory.sibling(engine, options);
      others.push(other);
      const heard: BusEvent[] = [];
      // Typing and read are the agents' topic's, presence the community's (engine/topics.ts).
      const stops = [other.bus.subscribe('acme', (event) => heard.push(event), 'agents'), other.bus.subscribe('acme', (event) => heard.push(event))];
      await Promise.all(stops.map((stop) => stop.ready));
      const sent: Exclude<BusEvent, { type: 'resync' }>[] = [
        { type: 'typing', conversationId: 'acme.c', author: 'agent', agent: ALICE },
        { type: 'read', conversationId: 'acme.c', author: 'visitor', seq: 3 },
        { type: 'presence', instance: 'i1', agents: ['alice'], ttlMs: 60_000 },
        { type: 'presence_query', instance: 'i2' },
        { type: 'agent_status', agentId: 'alice', status: 'away' },
      ];
      for (const event of sent) await engine.bus.publish('acme', event);
      await eventually(() => expect(heard.filter((event) => event.type !== 'resync')).toEqual(sent));
      for (const stop of stops) stop();
    });
  });
}
