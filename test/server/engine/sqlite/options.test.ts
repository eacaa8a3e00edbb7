import { describe, expect, it } from 'vitest';
import { DEFAULT_SQLITE_MAX_BYTES, DEFAULT_SQLITE_RETENTION, resolveSqliteOptions, type SqliteEngineOptions } from '../../../../src/server/engine/sqlite/options.js';
import { thrownBy } from '../../store/fixtures.js';

const configError = (options: unknown): unknown => thrownBy(() => resolveSqliteOptions(options as SqliteEngineOptions));

describe('createSqliteEngine options', () => {
  it('fills in the defaults: synchronous normal, 1 GiB, the documented retention', () => {
    expect(resolveSqliteOptions({ path: 'chat.db' })).toEqual({ path: 'chat.db', synchronous: 'normal', maxBytes: 1024 ** 3, retention: DEFAULT_SQLITE_RETENTION });
    expect(DEFAULT_SQLITE_MAX_BYTES).toBe(1_073_741_824);
    expect(DEFAULT_SQLITE_RETENTION).toEqual({
      conversationIdleMs: 604_800_000,
      maxMessagesPerConversation: 500,
      maxClientIdsPerConversation: 5_000,
      emptyConversationIdleMs: 86_400_000,
      maxConversationsPerAddress: 100,
      evictIdleAfterMs: 900_000,
      maxSessionsPerConversation: 10,
    });
    expect(Object.isFrozen(DEFAULT_SQLITE_RETENTION)).toBe(true);
  });

  it('takes every option given, retention merged over the defaults', () => {
    const resolved = resolveSqliteOptions({ path: '/tmp/x.db', synchronous: 'full', maxBytes: Infinity, retention: { maxMessagesPerConversation: 3, evictIdleAfterMs: 0.5, conversationIdleMs: undefined } });
    expect(resolved).toEqual({ path: '/tmp/x.db', synchronous: 'full', maxBytes: Infinity, retention: { ...DEFAULT_SQLITE_RETENTION, maxMessagesPerConversation: 3, evictIdleAfterMs: 0.5 } });
    expect(resolveSqliteOptions({ path: 'x', maxBytes: 65_536 }).maxBytes).toBe(65_536);
  });

  it('refuses a missing, empty or NUL-holding path, naming `path`', () => {
    for (const options of [undefined, null, 'chat.db', {}, { path: '' }, { path: 'a\0b' }, { path: 5 }]) {
      expect(configError(options), JSON.stringify(options)).toMatchObject({ name: 'MessagingConfigError', code: 'ERR_HANDLER_CONFIG', path: 'path', message: expect.stringMatching(/^createSqliteEngine: pa/) });
    }
  });

  it('refuses an unknown option, and synchronous other than normal or full', () => {
    expect(configError({ path: 'x', retain: {} })).toMatchObject({ path: 'retain', message: 'createSqliteEngine: unknown option "retain"' });
    expect(configError({ path: 'x', synchronous: 'off' })).toMatchObject({ path: 'synchronous', message: "createSqliteEngine: synchronous must be 'normal' or 'full', got off" });
  });

  it('refuses maxBytes under 64 KiB or not a number', () => {
    for (const maxBytes of [65_535, 0, -1, NaN, '1GB']) {
      expect(configError({ path: 'x', maxBytes }), String(maxBytes)).toMatchObject({ path: 'maxBytes', message: `createSqliteEngine: maxBytes must be a number of at least 65536 (Infinity for no bound), got ${String(maxBytes)}` });
    }
  });

  it('refuses a retention bound that is unknown, not positive, not finite, or a fractional count', () => {
    expect(configError({ path: 'x', retention: { maxMessages: 5 } })).toMatchObject({ path: 'retention.maxMessages', message: 'createSqliteEngine: unknown retention option "maxMessages"' });
    expect(configError({ path: 'x', retention: { maxSessionsPerConversation: 2.5 } })).toMatchObject({
      path: 'retention.maxSessionsPerConversation',
      message: 'createSqliteEngine: retention.maxSessionsPerConversation must be a positive integer, got 2.5',
    });
    for (const value of [0, -5, Infinity, NaN, '60000']) {
      expect(configError({ path: 'x', retention: { conversationIdleMs: value } }), String(value)).toMatchObject({
        path: 'retention.conversationIdleMs',
        message: `createSqliteEngine: retention.conversationIdleMs must be a positive number, got ${String(value)}`,
      });
    }
  });
});
