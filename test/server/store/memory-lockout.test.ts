/**
 * Issue 16 HIGH 3: the memory engine could be locked from one address. Sign-ins
 * with a one-character message each filled the store, and from then on every
 * new visitor got 503 ERR_CAPACITY until the conversations idled out (7 days).
 * Now one address holds at most maxConversationsPerAddress, and a full store
 * makes room from the idle conversations of the addresses holding the most,
 * never from a visitor who is there.
 */
import { describe, expect, it } from 'vitest';
import { isEngineError } from '../../../src/server/engine/types.js';
import { createMemoryStore } from '../../../src/server/store/index.js';
import { identity, session } from '../engine/contract.js';
import { automatedUuid, json, makeHandler, req, send } from '../handler/helpers.js';

describe('memory store: no lockout from one address', () => {
  it('a sign-in flood with a message each from one address leaves room for 40 visitors from other addresses, and a visitor mid-conversation keeps their session', async () => {
    let clock = 1_800_000_000_000;
    let address = '203.0.113.50';
    // A store of 300 conversations stands for the default 10,000: the attacker's 2,335 sign-ins filled that one.
    const handler = makeHandler({ store: createMemoryStore({ maxConversations: 300 }), now: () => clock, clientAddress: () => address });
    const signIn = async () => handler(req('/v1/identity', { body: { automatedUuid: automatedUuid() } }));

    const victim = await json(await signIn());
    expect((await send(handler, victim.session, 'where is my order?')).status).toBe(201);

    address = '198.51.100.66';
    const attacker: Record<number, number> = {};
    for (let i = 0; i < 400; i++) {
      clock += 2_000; // within 30 registrations a minute
      const response = await signIn();
      attacker[response.status] = (attacker[response.status] ?? 0) + 1;
      if (response.status === 200) await send(handler, (await json(response)).session, 'x');
      if (i % 100 === 0) {
        // The victim's widget is open: its requests and stream heartbeats are activity.
        address = '203.0.113.50';
        expect((await handler(req('/v1/conversation', { session: victim.session }))).status).toBe(200);
        address = '198.51.100.66';
      }
    }
    expect(attacker[200]).toBe(100); // the per-address quota (default 100)
    expect(attacker[503]).toBe(300);

    const newcomers: number[] = [];
    for (let i = 0; i < 40; i++) {
      address = `192.0.2.${i + 1}`;
      const response = await signIn();
      newcomers.push(response.status);
      if (response.status === 200) expect((await send(handler, (await json(response)).session, 'hi')).status).toBe(201);
    }
    expect(newcomers).toEqual(Array(40).fill(200));

    address = '203.0.113.50';
    const history = await handler(req('/v1/conversation', { session: victim.session }));
    expect(history.status).toBe(200);
    expect((await json(history)).messages.map((m: { body: string }) => m.body)).toEqual(['where is my order?']);
    handler.close();
  }, 60_000);

  it('a full store drops the idle conversations of the address holding the most, never an active one, then refuses', async () => {
    const idle = 15 * 60 * 1000;
    const store = createMemoryStore({ maxConversations: 6, maxConversationsPerAddress: 4 });
    const made: Record<string, string[]> = { busy: [], small: [] };
    const open = async (owner: 'busy' | 'small', at: number) => {
      const { id } = await store.upsertConversation('acme', `browser:${owner}-${made[owner]!.length}`, identity(owner), at, owner === 'busy' ? '198.51.100.9' : '198.51.100.10');
      await store.appendMessage(id, { author: 'visitor', body: 'x', createdAt: at });
      made[owner]!.push(id);
      return id;
    };
    for (let i = 0; i < 4; i++) await open('busy', 1_000 + i);
    await open('small', 1_100);
    const active = await open('small', 1_200);
    await store.saveSession(session('acme.active', active, 1_200));
    // Much later: everyone is idle except the visitor whose widget keeps touching their session.
    const later = 1_000 + idle + 10_000;
    await store.touchSession('acme.active', later, later + 1_000_000);
    const newcomer = await store.upsertConversation('acme', 'browser:new', identity('new'), later + 1, '192.0.2.1');
    await store.appendMessage(newcomer.id, { author: 'visitor', body: 'hello', createdAt: later + 1 });
    expect(await store.getConversation(made.busy![0]!)).toBeUndefined(); // the busiest address's oldest idle one
    for (const id of [...made.busy!.slice(1), ...made.small!]) expect(await store.getConversation(id)).toBeDefined();
    expect(await store.getSession('acme.active')).toBeDefined();
    // Nothing idle left to give back (everyone just spoke): refused, not evicted.
    for (const id of [...made.busy!.slice(1), made.small![0]!]) await store.appendMessage(id, { author: 'visitor', body: 'still here', createdAt: later + 2 });
    const error = await store.upsertConversation('acme', 'browser:new2', identity('new2'), later + 3, '192.0.2.2').catch((caught: unknown) => caught);
    expect(isEngineError(error) && error.code).toBe('ERR_CAPACITY');
  });
});
