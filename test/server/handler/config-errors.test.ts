/**
 * Issue 12 item 6: one error model. A wrong option of the messaging side
 * (handler, Node adapter, engines, stores) throws MessagingConfigError with
 * the stable code ERR_HANDLER_CONFIG and the option's path, at creation; it
 * is a ChatqError like every chatq error (issue 21 item 3).
 */
import { describe, expect, it } from 'vitest';
import { MessagingConfigError as FromRedisEntry, createRedisEngine } from '../../../src/server/engine/redis/index.js';
import * as server from '../../../src/server/index.js';
import { createMemoryEngine, createMemoryStore, type MessagingHandlerOptions } from '../../../src/server/handler/index.js';
import { toNodeListener } from '../../../src/server/node/index.js';
import { makeHandler, verifierDouble } from './helpers.js';

const { MessagingConfigError } = server;

/** What `make` threw (it must throw). */
function thrown(make: () => unknown): unknown {
  try {
    make();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
}

function expectConfigError(make: () => unknown, path: string, message?: RegExp): void {
  const error = thrown(make);
  expect(error).toBeInstanceOf(MessagingConfigError);
  expect(error).toBeInstanceOf(server.ChatqError);
  expect(error).toMatchObject({ name: 'MessagingConfigError', code: 'ERR_HANDLER_CONFIG', path });
  expect((error as InstanceType<typeof MessagingConfigError>).problems).toEqual([{ path, code: 'ERR_HANDLER_CONFIG', message: (error as Error).message }]);
  if (message) expect((error as Error).message).toMatch(message);
}

const base = (): MessagingHandlerOptions => ({ verifier: verifierDouble(), allowedOrigins: ['https://shop.test'], logger: { warn() {} } });

describe('createMessagingHandler: every wrong option names itself', () => {
  const cases: [string, Partial<Record<keyof MessagingHandlerOptions, unknown>>][] = [
    ['verifier', { verifier: {} }],
    ['allowedOrigins', { allowedOrigins: 'https://shop.test' }],
    ['allowedOrigins', { allowedOrigins: [] }],
    ['allowedOrigins[1]', { allowedOrigins: ['https://shop.test', 'shop.test'] }],
    ['allowedOrigins[0]', { allowedOrigins: ['https://*.*.example.com'] }],
    ['allowedOrigins[0]', { allowedOrigins: ['file:///tmp/x'] }],
    ['basePath', { basePath: 'chatq' }],
    ['publicOrigin', { publicOrigin: 'https://chat.example.com/path' }],
    ['communityId', { communityId: 'Not Valid' }],
    ['agentToken', { agentToken: 'short' }],
    ['limits.maxBodyBytes', { limits: { maxBodyBytes: -1 } }],
    ['limits', { limits: 'none' }],
    ['store', { store: createMemoryStore(), engine: createMemoryEngine() }],
    ['engine', { engine: {} }],
    ['clientAddress', { clientAddress: 'x-forwarded-for' }],
    ['now', { now: 5 }],
    ['logger', { logger: {} }],
    ['loaderScript', { loaderScript: 42 }],
  ];
  it.each(cases)('%s', (path, change) => {
    expectConfigError(() => server.createMessagingHandler({ ...base(), ...change } as MessagingHandlerOptions), path);
  });

  it('no options at all', () => {
    expectConfigError(() => server.createMessagingHandler(undefined as unknown as MessagingHandlerOptions), 'options');
  });

  it('a loaderScript function that resolves to no string is the same error, logged with the 500 of the first request for loader.js', async () => {
    const warnings: string[] = [];
    const handler = makeHandler({ loaderScript: async () => 42 as unknown as string, logger: { warn: (m) => void warnings.push(m) } });
    const response = await handler(new Request('https://chat.test/loader.js'));
    expect(response.status).toBe(500);
    expect((await response.json()).error.code).toBe('ERR_INTERNAL');
    expect(warnings.join('\n')).toMatch(/MessagingConfigError: loaderScript must be/);
    handler.close();
  });
});

describe('the adapter, the engines and the store', () => {
  it('toNodeListener', () => {
    const handler = makeHandler();
    expectConfigError(() => toNodeListener(handler, { bodyTimeoutMs: 0 }), 'bodyTimeoutMs');
    expectConfigError(() => toNodeListener(handler, { maxReadBytes: '1mb' as unknown as number }), 'maxReadBytes');
    expectConfigError(() => toNodeListener(undefined as never), 'handler');
    handler.close();
  });

  it('createMemoryStore and createMemoryEngine', () => {
    expectConfigError(() => createMemoryStore({ maxConversations: 1.5 }), 'maxConversations', /positive integer/);
    expectConfigError(() => createMemoryStore({ nope: 1 } as never), 'nope', /unknown option/);
    expectConfigError(() => createMemoryStore({ maxMessageChars: 10 } as never), 'maxMessageChars', /maxBytes/);
    expectConfigError(() => createMemoryEngine({ store: createMemoryStore(), maxSessions: 5 }), 'store');
  });

  it('createRedisEngine, before it connects to anything', () => {
    expectConfigError(() => createRedisEngine({ url: 'http://localhost:6379' }), 'url', /redis:\/\//);
    expectConfigError(() => createRedisEngine({} as never), 'client');
    expectConfigError(() => createRedisEngine({ url: 'redis://127.0.0.1:1' }, { keyPrefix: 'a b' }), 'keyPrefix');
    expectConfigError(() => createRedisEngine({ url: 'redis://127.0.0.1:1' }, { retention: { conversationIdleMs: -1 } }), 'retention.conversationIdleMs');
  });

  it('chatq/server and chatq/redis export the one class', () => {
    expect(FromRedisEntry).toBe(MessagingConfigError);
    expect(server.createMessagingHandler).toBeTypeOf('function');
  });
});
