import { describe, expect, it } from 'vitest';
import { createMemoryEngine } from '../../../src/server/engine/memory.js';
import {
  checkOptions,
  COMMUNITY_ID_PATTERN,
  DEFAULT_LIMITS,
  MAX_HEARTBEAT_MS,
  MIN_AGENT_TOKEN_LENGTH,
  normalizeAgentToken,
  normalizeBasePath,
  normalizePublicOrigin,
  resolveCommunity,
  resolveLimits,
  type MessagingHandlerOptions,
} from '../../../src/server/handler/options.js';
import { createMemoryStore } from '../../../src/server/store/index.js';
import { configError } from './context-kit.js';
import { verifierDouble } from './helpers.js';

const valid = (extra: Record<string, unknown> = {}): MessagingHandlerOptions =>
  ({ verifier: verifierDouble(), allowedOrigins: ['https://shop.test'], ...extra }) as MessagingHandlerOptions;

describe('checkOptions: what no normalizer checks, every problem named', () => {
  it('passes the smallest valid options and every optional function or script given right', () => {
    expect(() => checkOptions(valid())).not.toThrow();
    expect(() => checkOptions(valid({ allowedOrigins: '*', engine: createMemoryEngine(), now: Date.now, clientAddress: () => undefined, logger: console, loaderScript: async () => 'x', panelScript: 'y', limits: {} }))).not.toThrow();
  });

  it('refuses something that is not an options object', () => {
    for (const options of [undefined, null, 'options']) {
      const error = configError(() => checkOptions(options as never));
      expect(error).toMatchObject({ code: 'ERR_HANDLER_CONFIG', path: 'options' });
      expect(error.message).toMatch(/pass an options object/);
    }
  });

  it('lists every wrong option in one error, each with its path', () => {
    const error = configError(() =>
      checkOptions({
        verifier: {},
        allowedOrigins: 'https://shop.test',
        engine: { store: {} },
        store: createMemoryStore(),
        clientAddress: 'x-forwarded-for',
        now: 0,
        logger: {},
        loaderScript: 42,
        panelScript: {},
        limits: 5,
      } as never),
    );
    expect(error.problems.map((problem) => problem.path)).toEqual([
      'verifier',
      'allowedOrigins',
      'store',
      'engine',
      'clientAddress',
      'now',
      'logger',
      'loaderScript',
      'panelScript',
      'limits',
    ]);
    expect(error.problems[0]!.message).toMatch(/`verifier` must have a verify\(input\) method/);
    expect(error.problems[2]!.message).toMatch(/give either `engine` or `store`/);
  });
});

describe('resolveLimits (SPEC §6 limits)', () => {
  it('is the defaults when nothing is set', () => {
    expect(resolveLimits()).toEqual(DEFAULT_LIMITS);
    expect(resolveLimits({ maxBodyBytes: undefined })).toEqual(DEFAULT_LIMITS);
  });

  it('takes any non-negative number, Infinity included (a limit turned off)', () => {
    expect(resolveLimits({ maxBodyBytes: 0, registrationsPerMinutePerAddress: Infinity })).toMatchObject({ maxBodyBytes: 0, registrationsPerMinutePerAddress: Infinity });
  });

  it('refuses every negative, NaN or non-number limit in one error', () => {
    const error = configError(() => resolveLimits({ maxBodyBytes: -1, heartbeatMs: Number.NaN, maxStreamsPerSession: '3' as never }));
    expect(error.problems.map((problem) => problem.message)).toEqual([
      'limits.maxBodyBytes: must be a non-negative number, got -1',
      'limits.heartbeatMs: must be a non-negative number, got NaN',
      'limits.maxStreamsPerSession: must be a non-negative number, got 3',
    ]);
  });

  it('keeps the conversation and address budgets no tighter than the session one unless they are set', () => {
    expect(resolveLimits({ messagesPerMinutePerSession: 500, pageChangesPerMinutePerSession: 300 })).toMatchObject({
      messagesPerMinutePerConversation: 500,
      messagesPerMinutePerAddress: 500,
      pageChangesPerMinutePerConversation: 300,
      pageChangesPerMinutePerAddress: 300,
    });
    expect(resolveLimits({ messagesPerMinutePerSession: 500, messagesPerMinutePerConversation: 5 }).messagesPerMinutePerConversation).toBe(5);
    expect(resolveLimits({ messagesPerMinutePerSession: 1 }).messagesPerMinutePerAddress).toBe(DEFAULT_LIMITS.messagesPerMinutePerAddress);
  });

  it('holds the heartbeat between 10 ms and 25 s, so proxies never close an idle stream', () => {
    expect(resolveLimits({ heartbeatMs: 60_000 }).heartbeatMs).toBe(MAX_HEARTBEAT_MS);
    expect(MAX_HEARTBEAT_MS).toBe(25_000);
    expect(resolveLimits({ heartbeatMs: 0 }).heartbeatMs).toBe(10);
    expect(resolveLimits({ heartbeatMs: 15_000 }).heartbeatMs).toBe(15_000);
  });
});

describe('normalizeBasePath', () => {
  it("drops trailing slashes: '/chatq/' → '/chatq', '/' → ''", () => {
    expect(normalizeBasePath('/chatq/')).toBe('/chatq');
    expect(normalizeBasePath('/chat/q//')).toBe('/chat/q');
    expect(normalizeBasePath('/')).toBe('');
    expect(normalizeBasePath()).toBe('');
  });

  it('refuses a basePath that is not a string with a config error naming it, not a TypeError', () => {
    for (const bad of [5, null, {}, ['/chatq']]) {
      const error = configError(() => normalizeBasePath(bad));
      expect(error.path).toBe('basePath');
      expect(error.message).toMatch(/^basePath: must be a path such as \/chatq, got (number|null|object)\.$/);
    }
  });

  it('refuses what is not a path: no leading slash, a space, a query', () => {
    for (const bad of ['chatq', '/chat q', '/chatq?x', '/chatq#y']) {
      const error = configError(() => normalizeBasePath(bad));
      expect(error.path).toBe('basePath');
      expect(error.message).toBe(`basePath: "${bad}" must be a path such as /chatq`);
    }
  });
});

describe('normalizePublicOrigin', () => {
  it('is the origin, lower-cased, a trailing slash dropped; undefined when not set', () => {
    expect(normalizePublicOrigin('https://Chat.Example.com/')).toBe('https://chat.example.com');
    expect(normalizePublicOrigin('http://localhost:8080')).toBe('http://localhost:8080');
    expect(normalizePublicOrigin(undefined)).toBeUndefined();
  });

  it('refuses a path, query, fragment, credentials, another scheme or a non-string, rather than trimming', () => {
    for (const bad of ['https://chat.test/inbox', 'https://chat.test?x', 'https://chat.test#f', 'https://u:p@chat.test', 'ftp://chat.test', 'chat.test', 42]) {
      const error = configError(() => normalizePublicOrigin(bad));
      expect(error.path, String(bad)).toBe('publicOrigin');
      expect(error.message).toMatch(/must be an http\(s\) origin with no path, such as https:\/\/chat\.example\.com$/);
    }
    expect(configError(() => normalizePublicOrigin(42)).message).toMatch(/^publicOrigin: number must/);
  });
});

describe('resolveCommunity (SPEC §6 "Sharing")', () => {
  it("is the option, else the verifier's communityId or community, else default", () => {
    expect(resolveCommunity('shop', { communityId: 'blog' })).toBe('shop');
    expect(resolveCommunity(undefined, { communityId: 'blog' })).toBe('blog');
    expect(resolveCommunity(undefined, { community: 'old-name' } as never)).toBe('old-name');
    expect(resolveCommunity(undefined, {})).toBe('default');
  });

  it('refuses an id outside [a-z0-9_-]{1,64}, under the path it was given as', () => {
    expect(COMMUNITY_ID_PATTERN.test('a'.repeat(64))).toBe(true);
    const error = configError(() => resolveCommunity('Shop', {}, 'community'));
    expect(error).toMatchObject({ path: 'community', message: 'community: must be 1–64 characters a-z 0-9 _ -, got "Shop".' });
    expect(configError(() => resolveCommunity('a'.repeat(65), {})).path).toBe('communityId');
    expect(configError(() => resolveCommunity(7, {})).message).toMatch(/got number\.$/);
  });
});

describe('normalizeAgentToken (SPEC §6 "Bounds")', () => {
  it('is undefined when not set (undefined, null or empty), the token itself otherwise', () => {
    expect(normalizeAgentToken(undefined)).toBeUndefined();
    expect(normalizeAgentToken(null)).toBeUndefined();
    expect(normalizeAgentToken('')).toBeUndefined();
    expect(normalizeAgentToken('t'.repeat(MIN_AGENT_TOKEN_LENGTH))).toBe('t'.repeat(32));
    expect(normalizeAgentToken('t'.repeat(512))).toHaveLength(512);
  });

  it('refuses fewer than 32 or more than 512 characters, a space or a non-ASCII character, saying how to make one', () => {
    for (const bad of ['t'.repeat(31), 't'.repeat(513), `${'t'.repeat(32)} `, `${'t'.repeat(32)}é`, 12345]) {
      const error = configError(() => normalizeAgentToken(bad));
      expect(error.path).toBe('agentToken');
      expect(error.message).toMatch(/^agentToken: must be 32–512 printable characters without spaces \(make one with `openssl rand -base64 32`\), got /);
    }
    expect(configError(() => normalizeAgentToken('t'.repeat(31))).message).toMatch(/got 31 characters\.$/);
    expect(configError(() => normalizeAgentToken(12345)).message).toMatch(/got number\.$/);
  });
});
