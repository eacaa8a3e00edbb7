import { describe, expect, it } from 'vitest';
import { createMemoryEngine } from '../../../src/server/engine/memory.js';
import type { Engine } from '../../../src/server/engine/types.js';
import { readWebhookOptions, startWebhooks } from '../../../src/server/handler/webhooks.js';
import { createMemoryStore } from '../../../src/server/store/index.js';
import { configError, unsignedIdentity } from './context-kit.js';

const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const RECEIVER = { url: 'https://hooks.test/chatq', secret: SECRET };

describe('readWebhookOptions: the receivers and unansweredAfter, checked (SPEC §12)', () => {
  it('is no receivers and 5 minutes by default', () => {
    expect(readWebhookOptions({})).toEqual({ endpoints: [], unansweredAfterMs: 300_000 });
  });

  it('takes unansweredAfter from 10 s to 7 days, bounds included', () => {
    expect(readWebhookOptions({ unansweredAfter: 10_000 }).unansweredAfterMs).toBe(10_000);
    expect(readWebhookOptions({ unansweredAfter: 604_800_000 }).unansweredAfterMs).toBe(604_800_000);
  });

  it('refuses unansweredAfter outside the range or not a finite number, saying the range and the default', () => {
    for (const value of [9_999, 604_800_001, '60000', Infinity, Number.NaN]) {
      const error = configError(() => readWebhookOptions({ unansweredAfter: value }));
      expect(error.path, String(value)).toBe('unansweredAfter');
      expect(error.message).toBe(
        'unansweredAfter: milliseconds from 10000 (10 s) to 604800000 (7 days) before conversation.unanswered fires; default 300000 (5 minutes).',
      );
    }
  });

  it('checks the receivers: a wrong one is a config error under webhooks', () => {
    expect(readWebhookOptions({ webhooks: [RECEIVER] }).endpoints).toHaveLength(1);
    expect(configError(() => readWebhookOptions({ webhooks: [{ url: 'ftp://x', secret: 'nope' }] })).code).toBe('ERR_HANDLER_CONFIG');
  });
});

describe('startWebhooks', () => {
  const context = (engine: Engine, warnings: string[] = []) => ({ engine, community: 'shop', logger: { warn: (m: string) => void warnings.push(m) }, now: () => 0 });

  it('starts nothing without receivers', () => {
    expect(startWebhooks({ endpoints: [], unansweredAfterMs: 300_000 }, context(createMemoryEngine()))).toBeUndefined();
  });

  it("refuses an engine that keeps no outbox (a custom store on the memory engine), naming the engines that do", () => {
    const engine = createMemoryEngine({ store: createMemoryStore() });
    const error = configError(() => startWebhooks(readWebhookOptions({ webhooks: [RECEIVER] }), context(engine)));
    expect(error.path).toBe('webhooks');
    expect(error.message).toMatch(/keeps no outbox.*chatq\/sqlite or chatq\/redis/);
  });

  it("warns that the memory engine's outbox does not survive a restart, enables the community's outbox and starts the worker", async () => {
    const engine = createMemoryEngine();
    const warnings: string[] = [];
    const worker = startWebhooks(readWebhookOptions({ webhooks: [RECEIVER] }), context(engine, warnings));
    try {
      expect(worker).toBeDefined();
      expect(warnings).toEqual([expect.stringMatching(/keep their outbox in memory: events not yet delivered are lost on a restart/)]);
      expect(engine.outbox!.durable).toBe(false);
      // Enabled for this community only: its changes are written to the outbox, another community's are not.
      await engine.store.upsertConversation('shop', 'browser:a', unsignedIdentity('a'), 0);
      await engine.store.upsertConversation('blog', 'browser:b', unsignedIdentity('b'), 0);
      expect((await engine.outbox!.readAfter('shop', undefined, 10)).length).toBeGreaterThan(0);
      expect(await engine.outbox!.readAfter('blog', undefined, 10)).toEqual([]);
    } finally {
      await worker?.close();
    }
  });
});
