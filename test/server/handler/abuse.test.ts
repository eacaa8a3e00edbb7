/**
 * Review fixes for abuse limits and hygiene: per-conversation and
 * per-address message limits, IPv6 /64 keying, eviction of empty
 * conversations first, the register answer's policy, absurd verifier
 * expiries, redacted store errors and the shared Bearer parser.
 */
import { describe, expect, it } from 'vitest';
import type { VerifiedIdentity } from '../../../src/identity/index.js';
import { addressKey } from '../../../src/server/handler/address-key.js';
import { readBearerToken } from '../../../src/server/handler/http/bearer.js';
import { resolveLimits } from '../../../src/server/handler/options.js';
import { createMemoryStore } from '../../../src/server/store/index.js';
import type { ConversationStore } from '../../../src/server/store/index.js';
import { AGENT_TOKEN, agentReq, automatedUuid, json, makeHandler, register, req, send, SseReader, verifierDouble } from './helpers.js';

describe('message limits beyond the session', () => {
  it('re-registering the same conversation does not multiply its message budget', async () => {
    const handler = makeHandler({ clientAddress: () => '198.51.100.1', now: () => 1_000_000 });
    const browser = automatedUuid();
    const sessions: string[] = [];
    for (let i = 0; i < 3; i++) sessions.push((await register(handler, { automatedUuid: browser })).session);
    let accepted = 0;
    let limited: Response | undefined;
    for (const session of sessions) {
      for (let i = 0; i < 30; i++) {
        const response = await send(handler, session, `m${i}`);
        if (response.status === 201) accepted++;
        else limited = response;
      }
    }
    expect(accepted).toBe(60);
    expect(limited!.status).toBe(429);
    expect(Number(limited!.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    expect((await json(limited!)).error.code).toBe('ERR_RATE_LIMITED');
    handler.close();
  });

  it('one address has a message budget across its conversations', async () => {
    const handler = makeHandler({ clientAddress: () => '198.51.100.2', limits: { messagesPerMinutePerAddress: 5 }, now: () => 1_000_000 });
    const statuses: number[] = [];
    for (let c = 0; c < 3; c++) {
      const { session } = await register(handler);
      for (let i = 0; i < 3; i++) statuses.push((await send(handler, session, `c${c} m${i}`)).status);
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
    handler.close();
  });

  it('defaults: 60 per conversation, 120 per address, never below a raised per-session limit unless set', () => {
    expect(resolveLimits()).toMatchObject({ messagesPerMinutePerConversation: 60, messagesPerMinutePerAddress: 120, maxStreamsPerAddress: 20, maxStreamQueueBytes: 1_048_576 });
    expect(resolveLimits({ messagesPerMinutePerSession: Infinity })).toMatchObject({ messagesPerMinutePerConversation: Infinity, messagesPerMinutePerAddress: Infinity });
    expect(resolveLimits({ messagesPerMinutePerSession: 1000, messagesPerMinutePerAddress: 10 }).messagesPerMinutePerAddress).toBe(10);
  });
});

describe('per-address keys: IPv6 by /64', () => {
  it('keys IPv6 addresses on their first 64 bits and leaves IPv4 alone', () => {
    expect(addressKey('2001:db8::1')).toBe(addressKey('2001:db8:0:0:ffff:1:2:3'));
    expect(addressKey('2001:DB8::1')).toBe('2001:0db8:0000:0000::/64');
    expect(addressKey('[2001:db8:1:2::5]')).toBe('2001:0db8:0001:0002::/64');
    expect(addressKey('2001:db8:1:2::5')).not.toBe(addressKey('2001:db8:1:3::5'));
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0000:0000:0000::/64');
    expect(addressKey('unknown')).toBe('unknown');
  });

  it('rotating addresses inside one /64 share the registration limit', async () => {
    let n = 0;
    const handler = makeHandler({ clientAddress: () => `2001:db8:7::${(n++).toString(16)}`, limits: { registrationsPerMinutePerAddress: 3 }, now: () => 1_000_000 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await handler(req('/v1/identity', { body: {} }))).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    handler.close();
  });
});

describe('empty conversations are evicted first', () => {
  it('the memory store drops conversations without messages before one that has them', async () => {
    const store = createMemoryStore({ maxConversations: 3 });
    const real = await store.upsertConversation('default', 'real', identityOf('real'), 1);
    await store.appendMessage(real.id, { author: 'visitor', body: 'my order #123', createdAt: 2 });
    for (let i = 0; i < 10; i++) await store.upsertConversation('default', `empty-${i}`, identityOf(`e${i}`), 3 + i);
    expect(await store.listMessages(real.id)).toHaveLength(1);
    const page = await store.listConversations({ community: 'default', limit: 10 });
    expect(page.conversations.map((c) => c.key)).toEqual(['empty-9', 'empty-8', 'real']);
  });

  it('a flood of empty registrations from rotating IPv6 addresses leaves a real conversation alone', async () => {
    let n = 0;
    const handler = makeHandler({ store: createMemoryStore({ maxConversations: 5 }), clientAddress: () => `2001:db8:${(n++).toString(16)}::1` });
    const victim = await register(handler);
    expect((await send(handler, victim.session, 'my order #123')).status).toBe(201);
    for (let i = 0; i < 50; i++) await register(handler);
    const response = await handler(req('/v1/conversation', { session: victim.session }));
    expect(response.status).toBe(200);
    expect((await json(response)).messages.map((m: { body: string }) => m.body)).toEqual(['my order #123']);
    handler.close();
  });
});

describe('register answers', () => {
  it("carry only the policy's public fields", async () => {
    const verifier = verifierDouble();
    (verifier as { policy: object }).policy = { mode: 'accept', minTokenLifetime: 0, clockTolerance: 0, jwtKeys: [{ id: 'k', secret: 'do-not-leak' }] };
    const handler = makeHandler({ verifier });
    const body = await register(handler);
    expect(body.policy).toEqual({ mode: 'accept', minTokenLifetime: 0, clockTolerance: 0 });
    handler.close();
  });

  it('refuse a verifier expiry that is not finite or beyond 10 years (500 ERR_INTERNAL, no session)', async () => {
    const now = 1_700_000_000_000;
    for (const expiresAt of [1e308, Infinity, now + 11 * 365 * 86_400_000]) {
      const verifier = verifierDouble();
      const original = verifier.verify.bind(verifier);
      verifier.verify = async (input) => ({ ...(await original(input)), signed: true, uuidSource: 'jwt', expiresAt }) as VerifiedIdentity;
      const warnings: string[] = [];
      const handler = makeHandler({ verifier, now: () => now, logger: { warn: (m) => warnings.push(m) } });
      const response = await handler(req('/v1/identity', { body: { automatedUuid: automatedUuid() } }));
      expect(response.status).toBe(500);
      expect((await json(response)).error.code).toBe('ERR_INTERNAL');
      expect(warnings.join('\n')).toMatch(/expiresAt/);
      handler.close();
    }
    const verifier = verifierDouble();
    const original = verifier.verify.bind(verifier);
    verifier.verify = async (input) => ({ ...(await original(input)), signed: true, uuidSource: 'jwt', expiresAt: now + 3_600_000 }) as VerifiedIdentity;
    const handler = makeHandler({ verifier, now: () => now });
    expect((await register(handler)).expiresAt).toBe(now + 3_600_000);
    handler.close();
  });
});

describe('store errors in stream logs are redacted', () => {
  const leaked = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ2aXNpdG9yLTEyMyJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
  /** A memory store whose `method` fails with a message that holds a token. */
  function failingStore(method: 'listMessages' | 'getConversation'): ConversationStore {
    const store = createMemoryStore();
    return { ...store, [method]: async () => Promise.reject(new Error(`db said: token ${leaked}`)) };
  }

  it('visitor stream', async () => {
    const warnings: string[] = [];
    const handler = makeHandler({ store: failingStore('listMessages'), logger: { warn: (m) => warnings.push(m) } });
    const { session } = await register(handler);
    const response = await handler(req('/v1/stream', { session }));
    await new SseReader(response).until((r) => r.done).catch(() => {});
    expect(warnings.join('\n')).toMatch(/stream read failed/);
    expect(warnings.join('\n')).not.toContain(leaked);
    handler.close();
  });

  it('agent stream', async () => {
    const warnings: string[] = [];
    // The agent stream sends summaries (no history): it reads each changed conversation's record.
    const handler = makeHandler({ store: failingStore('getConversation'), logger: { warn: (m) => warnings.push(m) } });
    await register(handler);
    const reader = new SseReader(await handler(agentReq('/agent/v1/stream')));
    await reader.until((r) => r.done).catch(() => {});
    expect(warnings.join('\n')).toMatch(/agent stream read failed/);
    expect(warnings.join('\n')).not.toContain(leaked);
    handler.close();
  });
});

describe('one Bearer parser', () => {
  it('reads the token, tells a missing header from a malformed one', () => {
    const with_ = (value?: string) => new Request('https://chat.test/', value === undefined ? {} : { headers: { Authorization: value } });
    expect(readBearerToken(with_())).toEqual({ present: false, token: undefined });
    expect(readBearerToken(with_('bearer  abc '))).toEqual({ present: true, token: 'abc' });
    expect(readBearerToken(with_('Basic abc'))).toEqual({ present: true, token: undefined });
    expect(readBearerToken(with_('Bearer a b'))).toEqual({ present: true, token: undefined });
  });

  it('the agent API uses it: a lowercase scheme with extra spaces still authenticates', async () => {
    const handler = makeHandler();
    const response = await handler(agentReq('/agent/v1/conversations', { headers: { Authorization: `bearer   ${AGENT_TOKEN} ` } }));
    expect(response.status).toBe(200);
    handler.close();
  });
});

function identityOf(uuid: string): VerifiedIdentity {
  return { uuid, uuidSource: 'jwt', signed: true, fields: {}, customFields: {}, extraValues: {}, warnings: [] };
}
