/**
 * Messages as the Redis scripts encode them (cjson, its own field order)
 * rebuilt in the memory engine's order, so both engines answer byte for byte
 * the same JSON.
 */
import { describe, expect, it } from 'vitest';
import { orderMessage, readMessage } from '../../../../src/server/engine/redis/message.js';

describe('Redis message decoding', () => {
  it('rebuilds a message in the memory engine\'s field order, agent included', () => {
    const cjson = '{"createdAt":5,"body":"hi","agent":{"avatarUrl":"https://x/a.png","name":"Ann","id":"a1"},"author":"agent","clientId":"c1","seq":2,"id":"m2"}';
    expect(JSON.stringify(readMessage(cjson))).toBe(
      '{"id":"m2","seq":2,"clientId":"c1","author":"agent","agent":{"id":"a1","name":"Ann","avatarUrl":"https://x/a.png"},"body":"hi","createdAt":5}',
    );
  });

  it('leaves out the optional fields a message does not have, never as undefined', () => {
    const message = readMessage('{"body":"hello","author":"visitor","createdAt":1,"seq":1,"id":"m1"}');
    expect(Object.keys(message)).toEqual(['id', 'seq', 'author', 'body', 'createdAt']);
    const agent = orderMessage({ id: 'm', seq: 1, author: 'agent', agent: { id: 'a', name: 'Bo' }, body: 'b', createdAt: 1 });
    expect(Object.keys(agent.agent!)).toEqual(['id', 'name']);
  });

  it('drops fields that are not part of a message', () => {
    const raw = { id: 'm', seq: 1, author: 'visitor', body: 'b', createdAt: 1, epoch: 'e1', extra: true } as unknown as Parameters<typeof orderMessage>[0];
    expect(orderMessage(raw)).toEqual({ id: 'm', seq: 1, author: 'visitor', body: 'b', createdAt: 1 });
  });

  it('refuses what is not JSON', () => {
    expect(() => readMessage('{not json')).toThrow(SyntaxError);
  });
});
