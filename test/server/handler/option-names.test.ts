/**
 * Issue 16 low 6: createMessagingHandler refuses an option name it does not
 * know (top level and in `limits`) with MessagingConfigError
 * (ERR_HANDLER_CONFIG), naming the closest known option, in the wording
 * defineCommunity uses for its own options.
 */
import { describe, expect, it } from 'vitest';
import { createMessagingHandler, MessagingConfigError, type MessagingHandlerOptions } from '../../../src/server/handler/index.js';
import { defineCommunity } from '../../../src/server/index.js';
import { closestName } from '../../../src/server/verifier/problems.js';
import { verifierDouble } from './helpers.js';

const base = (): MessagingHandlerOptions => ({ verifier: verifierDouble(), allowedOrigins: ['https://shop.test'], logger: { warn() {} } });

function refusal(extra: Record<string, unknown>): MessagingConfigError {
  try {
    createMessagingHandler({ ...base(), ...extra } as MessagingHandlerOptions).close();
  } catch (error) {
    expect(error).toBeInstanceOf(MessagingConfigError);
    return error as MessagingConfigError;
  }
  throw new Error(`${JSON.stringify(Object.keys(extra))} was accepted`);
}

describe('an unknown option is refused, naming the closest known one', () => {
  it.each([
    ['agentTokn', 'agentToken'],
    ['allowedOrigin', 'allowedOrigins'],
    ['basepath', 'basePath'],
    ['origins', 'allowedOrigins'],
    ['clientAdress', 'clientAddress'],
    ['loggre', 'logger'],
  ])('%s → %s', (name, meant) => {
    const error = refusal({ [name]: 'x' });
    expect(error).toMatchObject({ code: 'ERR_HANDLER_CONFIG', path: name });
    expect(error.message).toContain(`createMessagingHandler: unknown option "${name}" (did you mean "${meant}"?); known options are verifier, allowedOrigins,`);
  });

  it('in limits too', () => {
    const error = refusal({ limits: { maxBodybytes: 1024 } });
    expect(error).toMatchObject({ code: 'ERR_HANDLER_CONFIG', path: 'limits.maxBodybytes' });
    expect(error.message).toContain('createMessagingHandler: limits: unknown option "maxBodybytes" (did you mean "maxBodyBytes"?); known options are maxBodyBytes,');
    expect(refusal({ limits: { pageChangesPerMinutePerConversaton: 5 } }).message).toContain('did you mean "pageChangesPerMinutePerConversation"?');
  });

  it('guesses nothing when nothing is close, and still lists the known options', () => {
    const error = refusal({ telemetry: {}, cors: true });
    expect(error.path).toBe('telemetry');
    expect(error.message).not.toContain('did you mean');
    expect(error.message).toContain('known options are verifier, allowedOrigins, basePath,');
  });

  it('an unknown name is reported before the other checks, so a misspelt required option says so', () => {
    const { verifier, ...rest } = base();
    const error = refusal({ ...rest, verifier: undefined, verifer: verifier });
    expect(error.path).toBe('verifer');
    expect(error.message).toContain('did you mean "verifier"?');
  });

  it('every known option and limit is accepted', () => {
    const handler = createMessagingHandler({
      ...base(),
      basePath: '/chatq',
      publicOrigin: 'https://chat.shop.test',
      communityId: 'shop',
      agentToken: 'a'.repeat(32),
      loaderScript: '/* widget */',
      clientAddress: () => '192.0.2.1',
      now: Date.now,
      limits: { maxBodyBytes: 1024, pageChangesPerMinutePerConversation: 10, pageChangesPerMinutePerAddress: 20, sessionRetainMs: 1 },
    });
    handler.close();
  });

  it('defineCommunity says "did you mean" in the same words', () => {
    let message = '';
    try {
      defineCommunity({ jwtKeys: [{ id: 'k', secret: 'x'.repeat(32) }], signedIdentity: 'reject' } as never);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('signedIdentity: unknown option "signedIdentity" (did you mean "signedIdentities"?); known options are $schema, id, signedIdentities');
  });
});

describe('closestName', () => {
  it('finds case slips, swapped letters and a missing part, but not a far-off name', () => {
    const known = ['maxBodyBytes', 'heartbeatMs', 'sessionIdleMs', 'id', 'jwtKeys'];
    expect(closestName('MAXBODYBYTES', known)).toBe('maxBodyBytes');
    expect(closestName('haertbeatMs', known)).toBe('heartbeatMs');
    expect(closestName('sessionIdle', known)).toBe('sessionIdleMs');
    expect(closestName('identity', known)).toBeUndefined();
    expect(closestName('xyz', known)).toBeUndefined();
    expect(closestName('jwtKey', known)).toBe('jwtKeys');
  });
});
