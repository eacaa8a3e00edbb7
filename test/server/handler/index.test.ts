import { describe, expect, it } from 'vitest';
import {
  createMemoryEngine,
  createMemoryStore,
  createMessagingHandler,
  DEFAULT_CONVERSATION_STATE,
  DEFAULT_LIMITS,
  EngineError,
  IDENTITY_ERROR_STATUS,
  isEngineError,
  MessagingConfigError,
} from '../../../src/server/handler/index.js';
import { automatedUuid, HOST_ORIGIN, req, verifierDouble } from './helpers.js';

describe('createMessagingHandler: the handler chatq/server gives (SPEC §6)', () => {
  it("keys the per-address limits on a Node server's socket address with no option (@hono/node-server's env)", async () => {
    const handler = createMessagingHandler({ verifier: verifierDouble(), allowedOrigins: [HOST_ORIGIN], logger: { warn() {} }, limits: { registrationsPerMinutePerAddress: 1 } });
    try {
      const register = (remoteAddress: string) =>
        handler(req('/v1/identity', { body: { automatedUuid: automatedUuid() } }), { incoming: { url: '/v1/identity', socket: { remoteAddress } }, outgoing: {} });
      expect((await register('203.0.113.1')).status).toBe(200);
      expect((await register('203.0.113.1')).status).toBe(429);
      expect((await register('203.0.113.2')).status).toBe(200);
    } finally {
      handler.close();
    }
  });

  it('throws MessagingConfigError (ERR_HANDLER_CONFIG, with the path) before serving anything', () => {
    let error: unknown;
    try {
      createMessagingHandler({ verifier: verifierDouble(), allowedOrigins: [HOST_ORIGIN], basePath: 'chatq' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MessagingConfigError);
    expect(error).toMatchObject({ code: 'ERR_HANDLER_CONFIG', path: 'basePath' });
  });

  it('keeps its conversations in a store passed in', async () => {
    const store = createMemoryStore();
    const handler = createMessagingHandler({ verifier: verifierDouble(), allowedOrigins: [HOST_ORIGIN], store, logger: { warn() {} }, clientAddress: () => '192.0.2.1' });
    const response = await handler(req('/v1/identity', { body: { automatedUuid: automatedUuid() } }));
    const { conversationId } = (await response.json()) as { conversationId: string };
    expect(await store.getConversation(conversationId)).toMatchObject({ id: conversationId });
    handler.close();
  });
});

describe('what the entry exports beside the handler', () => {
  it('gives the default limits frozen, and the conversation state a new conversation starts with', () => {
    expect(Object.isFrozen(DEFAULT_LIMITS)).toBe(true);
    expect(DEFAULT_LIMITS).toMatchObject({ maxBodyBytes: 16_384, heartbeatMs: 20_000, maxStreamsPerSession: 3 });
    expect(DEFAULT_CONVERSATION_STATE).toEqual({ status: 'open', visitorReadSeq: 0, agentReadSeq: 0, unread: 0 });
  });

  it("maps the verifier's codes to the statuses the handler's doc lists", () => {
    expect(IDENTITY_ERROR_STATUS).toMatchObject({ ERR_JWT_MALFORMED: 400, ERR_JWT_EXPIRED: 401, ERR_SIGNED_IDENTITY_REQUIRED: 401, ERR_SIGNED_IDENTITY_REJECTED: 403, ERR_KEY_SOURCE: 503 });
  });

  it('tells an EngineError from other errors', () => {
    expect(isEngineError(new EngineError('ERR_CAPACITY', 'full'))).toBe(true);
    expect(isEngineError(new Error('ERR_CAPACITY'))).toBe(false);
    expect(new EngineError('ERR_CAPACITY', 'full').retryAfter).toBe(30);
    expect(createMemoryEngine().outbox?.durable).toBe(false);
  });
});
