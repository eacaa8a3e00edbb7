import { describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_STORE_BOUNDS, resolveMemoryStoreBounds, type MemoryStoreOptions } from '../../../src/server/store/memory-options.js';
import { thrownBy } from './fixtures.js';

const configError = (options: unknown): unknown => thrownBy(() => resolveMemoryStoreBounds(options as MemoryStoreOptions));

describe('memory store bounds', () => {
  it('fills in the documented defaults, frozen', () => {
    expect(resolveMemoryStoreBounds()).toEqual(DEFAULT_MEMORY_STORE_BOUNDS);
    expect(DEFAULT_MEMORY_STORE_BOUNDS).toMatchObject({ maxConversations: 10_000, maxMessagesPerConversation: 500, maxBytes: 104_857_600, sweepIntervalMs: 60_000 });
    expect(Object.isFrozen(DEFAULT_MEMORY_STORE_BOUNDS)).toBe(true);
    expect(resolveMemoryStoreBounds()).not.toBe(DEFAULT_MEMORY_STORE_BOUNDS);
  });

  it('takes given bounds, skips undefined ones, and takes Infinity to turn one off', () => {
    const bounds = resolveMemoryStoreBounds({ maxConversations: 5, maxBytes: Infinity, evictIdleAfterMs: 0.5, conversationIdleMs: undefined });
    expect(bounds).toMatchObject({ maxConversations: 5, maxBytes: Infinity, evictIdleAfterMs: 0.5, conversationIdleMs: DEFAULT_MEMORY_STORE_BOUNDS.conversationIdleMs });
  });

  it('refuses a count that is not a positive integer, naming the option', () => {
    for (const value of [0, -1, 2.5, NaN, '10']) {
      expect(configError({ maxSessions: value }), String(value)).toMatchObject({
        code: 'ERR_HANDLER_CONFIG',
        path: 'maxSessions',
        message: `createMemoryStore: maxSessions must be a positive integer (Infinity for no bound), got ${String(value)}`,
      });
    }
  });

  it('refuses a time that is not a positive number', () => {
    expect(configError({ sweepIntervalMs: 0 })).toMatchObject({ path: 'sweepIntervalMs', message: expect.stringContaining('must be a positive number') });
  });

  it('refuses an unknown option, and says what replaced maxMessageChars', () => {
    expect(configError({ maxConversation: 5 })).toMatchObject({ code: 'ERR_HANDLER_CONFIG', path: 'maxConversation', message: 'createMemoryStore: unknown option "maxConversation"' });
    expect(configError({ maxMessageChars: 100 })).toMatchObject({ path: 'maxMessageChars', message: expect.stringContaining('replaced by maxBytes') });
  });
});
