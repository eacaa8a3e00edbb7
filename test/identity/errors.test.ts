/**
 * Issue 21 item 3: one error family. Every chatq error is a ChatqError with a
 * `code` from one union; configuration errors list every problem with its
 * path and code; the old class names keep working with `instanceof`.
 */
import { describe, expect, it } from 'vitest';
import { ChatqError, IdentityError, describeProblems } from '../../src/identity/index.js';
import * as server from '../../src/server/index.js';
import { createJwksKeySource, createVerifier, defineCommunity, EngineError, MessagingConfigError } from '../../src/server/index.js';
import { HttpError } from '../../src/server/handler/http/errors.js';
import { createMemoryStore } from '../../src/server/store/index.js';
import { HS_KEY } from '../helpers/sign.js';

function thrown(make: () => unknown): ChatqError {
  try {
    make();
  } catch (error) {
    return error as ChatqError;
  }
  throw new Error('did not throw');
}

const verifier = createVerifier(defineCommunity({ signedIdentities: 'require', jwtKeys: [{ id: HS_KEY.kid, secret: HS_KEY.secret }] }));
const quiet = { warn() {} };

describe('one base class', () => {
  it('IdentityError, MessagingConfigError and EngineError are ChatqErrors with a code, and their own classes still', () => {
    const identity = new IdentityError('ERR_JWT_EXPIRED', 'expired');
    const config = thrown(() => createMemoryStore({ maxConversations: 0 }));
    const engine = new EngineError('ERR_CAPACITY', 'full');
    for (const [error, type, code] of [
      [identity, IdentityError, 'ERR_JWT_EXPIRED'],
      [config, MessagingConfigError, 'ERR_HANDLER_CONFIG'],
      [engine, EngineError, 'ERR_CAPACITY'],
    ] as const) {
      expect(error).toBeInstanceOf(ChatqError);
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(type);
      expect(error.code).toBe(code);
      expect(error.name).toBe(type.name);
    }
  });

  it("the handler's internal HttpError is one too, its code a wire code", () => {
    const error = new HttpError(400, 'ERR_BAD_REQUEST', 'bad');
    expect(error).toBeInstanceOf(ChatqError);
    expect(error).toMatchObject({ name: 'HttpError', status: 400, code: 'ERR_BAD_REQUEST', problems: [] });
  });

  it('chatq/server exports the base class and keeps the old names', () => {
    expect(server.ChatqError).toBe(ChatqError);
    expect(new server.IdentityError('ERR_INTERNAL', 'x')).toBeInstanceOf(server.ChatqError);
    expect(typeof server.MessagingConfigError).toBe('function');
    expect(typeof server.EngineError).toBe('function');
    expect(server.isChatqError(new EngineError('ERR_UNAVAILABLE', 'down'))).toBe(true);
  });
});

describe('configuration errors list every problem with its path and code', () => {
  it('a handler config with three mistakes lists three', () => {
    const error = thrown(() =>
      server.createMessagingHandler({ verifier, allowedOrigins: ['https://shop.test'], logger: quiet, basePath: 'chatq', agentToken: 'short', limits: { maxBodyBytes: -1 } }),
    );
    expect(error).toBeInstanceOf(MessagingConfigError);
    expect(error.problems.map((problem) => problem.path)).toEqual(['basePath', 'agentToken', 'limits.maxBodyBytes']);
    for (const problem of error.problems) {
      expect(problem.code).toBe('ERR_HANDLER_CONFIG');
      expect(error.message).toContain(`${problem.path}: ${problem.message}`);
    }
    expect(error.path).toBe('basePath');
    expect(error.message).toMatch(/^createMessagingHandler has 3 problems:/);
  });

  it('every wrong origin, every unknown option name and every wrong limit are listed, not the first', () => {
    const error = thrown(() =>
      server.createMessagingHandler({
        verifier,
        allowedOrigins: ['shop.test', 'https://ok.test', 'file:///x'],
        logger: quiet,
        limits: { heartbeatMs: -1, maxStreamsPerSession: Number.NaN },
        basepath: '/x',
        agentTokn: 'y',
      } as never),
    );
    // Unknown names first: a misspelt option explains other mistakes (it was meant to be read).
    expect(error.problems.map((problem) => problem.path)).toEqual(['basepath', 'agentTokn']);
    const rest = thrown(() =>
      server.createMessagingHandler({ verifier, allowedOrigins: ['shop.test', 'https://ok.test', 'file:///x'], logger: quiet, limits: { heartbeatMs: -1, maxStreamsPerSession: Number.NaN } }),
    );
    expect(rest.problems.map((problem) => problem.path)).toEqual(['allowedOrigins[0]', 'allowedOrigins[2]', 'limits.heartbeatMs', 'limits.maxStreamsPerSession']);
  });

  it('wrong option types are all listed', () => {
    const error = thrown(() => server.createMessagingHandler({ verifier: {}, allowedOrigins: 'x', now: 5, logger: {} } as never));
    expect(error.problems.map((problem) => problem.path)).toEqual(['verifier', 'allowedOrigins', 'now', 'logger']);
  });

  it('one problem: the message is the problem itself', () => {
    const error = thrown(() => server.createMessagingHandler({ verifier, allowedOrigins: ['https://shop.test'], logger: quiet, basePath: 'chatq' }));
    expect(error.problems).toEqual([{ path: 'basePath', code: 'ERR_HANDLER_CONFIG', message: error.message }]);
  });

  it('a community config lists every problem with the community code', () => {
    const error = thrown(() => defineCommunity({ id: 'Bad Id', signedIdentities: 'maybe', jwtKeys: [{ id: 'k', secret: 'abc' }] } as never));
    expect(error.code).toBe('ERR_COMMUNITY_INVALID');
    expect(error.problems.length).toBeGreaterThanOrEqual(3);
    for (const problem of error.problems) expect(problem.code).toBe('ERR_COMMUNITY_INVALID');
  });

  it('describeProblems: one problem is itself, several are counted and listed', () => {
    expect(describeProblems('x', [{ path: 'a', message: 'm' }])).toBe('m');
    expect(describeProblems('x', [{ path: 'a', message: 'm' }, { path: 'b', message: 'n' }])).toBe('x has 2 problems:\n  - a: m\n  - b: n');
  });
});

describe('a verifier option is not a community problem', () => {
  it('createVerifier({ cacheSize: -1 }) is ERR_VERIFIER_CONFIG with its path', () => {
    const community = defineCommunity({ signedIdentities: 'require', jwtKeys: [{ id: HS_KEY.kid, secret: HS_KEY.secret }] });
    const error = thrown(() => createVerifier(community, { cacheSize: -1 }));
    expect(error).toBeInstanceOf(IdentityError);
    expect(error).toMatchObject({ code: 'ERR_VERIFIER_CONFIG', path: 'options.cacheSize' });
    expect(error.problems).toEqual([{ path: 'options.cacheSize', code: 'ERR_VERIFIER_CONFIG', message: error.message }]);
  });

  it('createJwksKeySource with a file: url is ERR_VERIFIER_CONFIG', () => {
    expect(thrown(() => createJwksKeySource('file:///etc/passwd'))).toMatchObject({ code: 'ERR_VERIFIER_CONFIG', path: 'url' });
  });
});
