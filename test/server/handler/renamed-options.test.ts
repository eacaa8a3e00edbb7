/**
 * Issue 21 item 5: one meaning per name. Options renamed in 0.3.0 still work
 * under their old name for one release, with one warning naming the new
 * name; given under both names they are refused.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMessagingHandler, createVerifier, defineCommunity } from '../../../src/server/index.js';
import { toNodeListener } from '../../../src/server/node/index.js';
import { HS_KEY, signHS256 } from '../../helpers/sign.js';

const community = defineCommunity({ id: 'shop', signedIdentities: 'require', jwtKeys: [{ id: HS_KEY.kid, secret: HS_KEY.secret }] });
const base = { verifier: createVerifier(community), allowedOrigins: ['https://shop.test'] };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createMessagingHandler: community → communityId', () => {
  it('the verifier names its id communityId (community stays, the same id)', () => {
    const verifier = createVerifier(community);
    expect(verifier.communityId).toBe('shop');
    expect(verifier.community).toBe('shop');
  });

  it('communityId is read without a warning', () => {
    const warnings: string[] = [];
    createMessagingHandler({ ...base, communityId: 'tenant_a', logger: { warn: (message) => warnings.push(message) } }).close();
    expect(warnings).toEqual([]);
  });

  it('the old name still works, with one warning per process naming communityId', () => {
    const warnings: string[] = [];
    const logger = { warn: (message: string) => warnings.push(message) };
    createMessagingHandler({ ...base, community: 'tenant_b', logger }).close();
    createMessagingHandler({ ...base, community: 'tenant_b', logger }).close();
    expect(warnings).toEqual(["chatq: createMessagingHandler's community is now communityId (`community` names the object defineCommunity returns); the old name works until 0.4."]);
  });

  it('both names at once are refused, naming the old one', () => {
    expect(() => createMessagingHandler({ ...base, community: 'a', communityId: 'b', logger: { warn() {} } })).toThrow(
      expect.objectContaining({ code: 'ERR_HANDLER_CONFIG', path: 'community', message: 'createMessagingHandler: give communityId only; community is its old name (0.2).' }),
    );
  });

  it('a wrong id is named under the name it was given', () => {
    expect(() => createMessagingHandler({ ...base, communityId: 'Not Valid', logger: { warn() {} } })).toThrow(expect.objectContaining({ path: 'communityId' }));
  });
});

describe('toNodeListener: maxBodyBytes → maxReadBytes (the handler keeps limits.maxBodyBytes)', () => {
  it('maxReadBytes is read; the old name works with one warning', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const handler = createMessagingHandler({ ...base, logger: { warn() {} } });
    toNodeListener(handler, { maxReadBytes: 2048 });
    expect(warn).not.toHaveBeenCalled();
    toNodeListener(handler, { maxBodyBytes: 2048 });
    toNodeListener(handler, { maxBodyBytes: 2048 });
    expect(warn.mock.calls).toEqual([["chatq: toNodeListener's maxBodyBytes is now maxReadBytes (maxBodyBytes is the handler's 16 KiB limit); the old name works until 0.4."]]);
    expect(() => toNodeListener(handler, { maxBodyBytes: 0 })).toThrow(expect.objectContaining({ path: 'maxBodyBytes' }));
    handler.close();
  });
});

describe('expiresAt is milliseconds everywhere (the JWT claim stays exp, in seconds)', () => {
  const exp = Math.floor(Date.now() / 1000) + 7200;
  const jwt = (): string => signHS256({ uuid: 'user-42', exp }, HS_KEY);

  it('the verifier gives exp × 1000', async () => {
    expect((await createVerifier(community).verify({ jwt: jwt() })).expiresAt).toBe(exp * 1000);
  });

  it('POST v1/identity: identity.expiresAt and expiresAt are one number, the one the widget events carry', async () => {
    const handler = createMessagingHandler({ ...base, logger: { warn() {} } });
    const response = await handler(new Request('https://chat.test/v1/identity', {
      method: 'POST',
      headers: { Origin: 'https://shop.test', 'Content-Type': 'application/json' },
      body: JSON.stringify({ jwt: jwt() }),
    }));
    const body = (await response.json()) as { expiresAt: number; identity: { expiresAt: number } };
    expect(body.expiresAt).toBe(exp * 1000);
    expect(body.identity.expiresAt).toBe(body.expiresAt);
    handler.close();
  });

  it('a custom verifier still returning seconds is refused with what to change, in the log (500, never a session read as 1970)', async () => {
    const warnings: string[] = [];
    const verifier = { policy: community.policy, verify: async () => ({ uuid: 'u', uuidSource: 'jwt' as const, signed: true, expiresAt: exp, fields: {}, customFields: {}, extraValues: {}, warnings: [] }) };
    const handler = createMessagingHandler({ verifier, allowedOrigins: ['https://shop.test'], logger: { warn: (message) => warnings.push(message) } });
    const response = await handler(new Request('https://chat.test/v1/identity', {
      method: 'POST',
      headers: { Origin: 'https://shop.test', 'Content-Type': 'application/json' },
      body: JSON.stringify({ jwt: 'a.b.c' }),
    }));
    expect(response.status).toBe(500);
    expect(warnings.join('\n')).toContain("VerifiedIdentity.expiresAt is milliseconds since chatq 0.3.0: return the JWT's exp × 1000.");
    handler.close();
  });
});
