/** session/identity-input.ts, SPEC §5: what `setIdentity` / `setSignedIdentity` was given, ready to register. */
import { describe, expect, it } from 'vitest';
import { readIdentityInput } from '../../../src/client/session/identity-input.js';
import { b64url, HS_KEY, signHS256 } from '../../helpers/sign.js';

describe('a signed identity (a JWT string)', () => {
  it('is sent as it is, with its uuid read (not verified)', () => {
    const jwt = signHS256({ uuid: 'visitor-1', exp: 2_000_000_000, name: 'Ann' }, HS_KEY);
    expect(readIdentityInput(jwt)).toEqual({ request: { jwt }, uuid: 'visitor-1' });
  });

  it('names a numeric uuid as the server does, and none for a missing or empty one', () => {
    expect(readIdentityInput(signHS256({ uuid: 42 }, HS_KEY))).toMatchObject({ uuid: '42' });
    expect(readIdentityInput(signHS256({ uuid: '' }, HS_KEY))).toMatchObject({ uuid: undefined });
    expect(readIdentityInput(signHS256({}, HS_KEY))).toMatchObject({ uuid: undefined });
  });

  it.each([
    ['parts', 'not-a-jwt'],
    ['payload-json', `${b64url({ alg: 'HS256' })}.%%%.${b64url('sig')}`],
    ['payload-json', `${b64url({ alg: 'HS256' })}.${b64url('[1]')}.${b64url('sig')}`],
  ])('is refused as ERR_JWT_MALFORMED when it has no payload to read, naming the fault (%s) and where to read more', (fault, value) => {
    expect(readIdentityInput(value)).toEqual({ code: 'ERR_JWT_MALFORMED', message: `not a JWT (${fault}); npx chatq explain says why` });
  });

  it("leaves a fault of the header to the server, which verifies: the payload is still read", () => {
    const value = `${b64url('[1]')}.${b64url({ uuid: 'visitor-1' })}.${b64url('sig')}`;
    expect(readIdentityInput(value)).toEqual({ request: { jwt: value }, uuid: 'visitor-1' });
  });

  it('never puts the token itself in the refusal', () => {
    const secretish = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXZpc2l0b3ItZGF0YQ';
    expect((readIdentityInput(secretish) as { message: string }).message).not.toContain(secretish);
  });
});

describe('unsigned data (an object)', () => {
  it('is sent as the identity, its uuid named, the field rules left to the server', () => {
    const data = { uuid: 7, name: 'x'.repeat(10_000) };
    expect(readIdentityInput(data)).toEqual({ request: { identity: data }, uuid: '7' });
  });

  it('has no uuid when it claims none a server would accept', () => {
    expect(readIdentityInput({ uuid: -1 })).toMatchObject({ uuid: undefined });
    expect(readIdentityInput({})).toMatchObject({ uuid: undefined });
  });
});
