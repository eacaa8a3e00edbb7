import { describe, expect, it } from 'vitest';
import type { BusEvent } from '../../../../src/server/engine/index.js';
import { createSqliteEngine, DEFAULT_SQLITE_MAX_BYTES, DEFAULT_SQLITE_RETENTION, MessagingConfigError } from '../../../../src/server/engine/sqlite/index.js';
import { errorOf } from '../../store/fixtures.js';
import { identity } from '../contract.js';
import { column, sqliteFiles } from './fixture.js';

const files = sqliteFiles();

describe('createSqliteEngine (chatq/sqlite)', () => {
  it('exports its defaults and its configuration error', () => {
    expect(DEFAULT_SQLITE_MAX_BYTES).toBe(1024 ** 3);
    expect(DEFAULT_SQLITE_RETENTION.maxMessagesPerConversation).toBe(500);
    expect(() => createSqliteEngine({ path: files.path(), maxBytes: 1 })).toThrow(MessagingConfigError);
  });

  it('is a store, a durable outbox, a local bus and a limiter on one file; an append is announced on the bus', async () => {
    const engine = createSqliteEngine({ path: files.path() });
    try {
      expect(engine.outbox?.durable).toBe(true);
      const c = await engine.store.upsertConversation('acme', 'k', identity('u'), 1_000);
      const heard: BusEvent[] = [];
      const subscription = engine.bus.subscribe('acme', (event) => heard.push(event), { conversationId: c.id });
      const { message } = (await engine.store.appendMessage(c.id, { author: 'visitor', body: 'hello', createdAt: 2_000 }))!;
      expect(heard).toEqual([{ type: 'message', conversationId: c.id, message }]);
      // The visitor message was counted (SPEC §11) as part of the append.
      expect((await engine.store.getConversation(c.id))!.state).toMatchObject({ unread: 1 });
      subscription();
      expect(await engine.limiter.take('acme:addr', 1, 0)).toBe(0);
    } finally {
      await engine.close();
    }
  });

  it('close writes the rate buckets and releases the file; the engine then answers ERR_UNAVAILABLE', async () => {
    const path = files.path();
    const engine = createSqliteEngine({ path, synchronous: 'full' });
    await engine.limiter.take('acme:addr', 1, 0);
    await engine.close();
    expect(await errorOf(engine.store.getConversation('acme.x'))).toMatchObject({ code: 'ERR_UNAVAILABLE' });
    expect(column(files.open({ path }), 'SELECT key FROM rate_buckets')).toEqual(['acme:addr']);
  });
});
