/**
 * The Redis engine's key layout (SPEC §8): prefix, then community, then the
 * record; one hash tag per conversation, one per community budget and outbox,
 * so each script's keys sit on one Cluster slot.
 */
import { describe, expect, it } from 'vitest';
import { createKeys } from '../../../../src/server/engine/redis/keys.js';

const id = 'acme.00000000-0000-4000-8000-000000000001';
const keys = createKeys('chatq:');

/** The hash tag Redis Cluster hashes: what is between the first `{` and the next `}`. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
}

describe('Redis keys', () => {
  it('puts a conversation\'s four keys under prefix and community, with one hash tag, listed in script order', () => {
    const conversation = keys.conversation('acme', id);
    expect(conversation).toEqual({
      record: `chatq:acme:conv:{${id}}`,
      messages: `chatq:acme:msgs:{${id}}`,
      clientIds: `chatq:acme:cids:{${id}}`,
      clientIdOrder: `chatq:acme:cidx:{${id}}`,
      all: [`chatq:acme:conv:{${id}}`, `chatq:acme:msgs:{${id}}`, `chatq:acme:cids:{${id}}`, `chatq:acme:cidx:{${id}}`],
    });
    expect(new Set(conversation.all.map(hashTag))).toEqual(new Set([id]));
  });

  it('keeps a community\'s budget and outbox on the community\'s own slot, an address after the tag', () => {
    const budget = keys.budget('acme');
    const outbox = keys.outbox('acme');
    const owner = budget.owner('2001:db8::/64');
    expect(owner).toBe('chatq:acme:addr:{c:acme}:2001:db8::/64');
    expect([budget.live, budget.bytes, owner, outbox.stream, outbox.state, outbox.lease].map(hashTag)).toEqual(Array(6).fill('c:acme'));
    expect(new Set([budget.live, budget.bytes, outbox.stream, outbox.state, outbox.lease]).size).toBe(5);
  });

  it('names one pub/sub channel per topic, the conversation\'s with its hash tag, the community\'s by default', () => {
    expect(keys.channel('acme')).toBe('chatq:acme:bus');
    expect(keys.channel('acme', 'community')).toBe('chatq:acme:bus');
    expect(keys.channel('acme', 'agents')).toBe('chatq:acme:bus:agents');
    expect(keys.channel('acme', { conversationId: id })).toBe(`chatq:acme:bus:{${id}}`);
    expect(hashTag(keys.channel('acme', { conversationId: id }))).toBe(hashTag(keys.conversation('acme', id).record));
  });

  it('names the index, the agent list, sessions and rate buckets under the prefix', () => {
    expect(keys.conversationIndex('acme', 'signed:u1')).toBe('chatq:acme:key:signed:u1');
    expect(keys.recent('acme')).toBe('chatq:acme:recent');
    expect(keys.session('acme', 'abc')).toBe('chatq:acme:sess:abc');
    // Rate-limit keys begin with their community already (handler/rate.ts).
    expect(keys.bucket('acme:register:1.2.3.4')).toBe('chatq:rate:acme:register:1.2.3.4');
  });

  it('separates deployments and communities: no key of one prefix or community is another\'s', () => {
    const other = createKeys('staging:');
    const all = (k: typeof keys, community: string) => [
      ...k.conversation(community, id).all,
      k.budget(community).live,
      k.outbox(community).stream,
      k.recent(community),
      k.channel(community),
      k.bucket(`${community}:x`),
    ];
    const mine = new Set(all(keys, 'acme'));
    for (const key of [...all(other, 'acme'), ...all(keys, 'globex')]) expect(mine.has(key)).toBe(false);
  });
});
