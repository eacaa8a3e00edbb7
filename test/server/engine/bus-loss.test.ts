import { describe, expect, it } from 'vitest';
import { announcing } from '../../../src/server/engine/announce.js';
import { createMemoryEngine, type Engine, type LiveBus } from '../../../src/server/engine/index.js';
import { createMemoryStore } from '../../../src/server/store/index.js';
import { agentReq, makeHandler, register, req, SseReader } from '../handler/helpers.js';

describe('a lost bus notification delays a message, never loses it (SPEC §8)', () => {
  it('a visitor stream re-reads the log on its heartbeat when the bus drops every event', async () => {
    const memory = createMemoryEngine();
    // A bus that loses everything published (pub/sub while a connection is down).
    const bus: LiveBus = { publish: async () => {}, subscribe: memory.bus.subscribe };
    // Its store announces appends on that bus too (engine/announce.ts), and they are lost as well.
    const lossy: Engine = { ...memory, bus, store: announcing(createMemoryStore(), bus) };
    const handler = makeHandler({ engine: lossy, limits: { heartbeatMs: 50 } });
    const visitor = await register(handler);
    const stream = new SseReader(await handler(req('/v1/stream', { session: visitor.session })));
    await stream.until((r) => r.comments.includes('open'));
    const reply = await handler(agentReq(`/agent/v1/conversations/${encodeURIComponent(visitor.conversationId)}/messages`, { body: { body: 'are you there?' } }));
    expect(reply.status).toBe(201);
    await stream.until((r) => r.messages().length === 1, 3000);
    expect(stream.messages()[0]).toMatchObject({ seq: 1, body: 'are you there?', author: 'agent' });
    await stream.cancel();
    handler.close();
  });
});
