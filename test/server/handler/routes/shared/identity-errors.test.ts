/**
 * How a verifier's IdentityError travels over HTTP (SPEC §4, §6): the code
 * unchanged, the status saying whose move it is, server faults left to the
 * handler's catch-all (500 ERR_INTERNAL, logged).
 */
import { describe, expect, it } from 'vitest';
import { IdentityError } from '../../../../../src/identity/index.js';
import { HttpError } from '../../../../../src/server/handler/http/errors.js';
import { IDENTITY_ERROR_STATUS, identityHttpError } from '../../../../../src/server/handler/routes/shared/identity-errors.js';

describe('identityHttpError', () => {
  it('keeps the code and the message, with the status of the table', () => {
    const answer = identityHttpError(new IdentityError('ERR_JWT_EXPIRED', 'The JWT expired 5 s ago.'));
    expect(answer).toBeInstanceOf(HttpError);
    expect(answer).toMatchObject({ status: 401, code: 'ERR_JWT_EXPIRED', message: 'The JWT expired 5 s ago.', headers: {} });
    expect(identityHttpError(new IdentityError('ERR_JWT_MALFORMED', 'x'))).toMatchObject({ status: 400 });
    expect(identityHttpError(new IdentityError('ERR_SIGNED_IDENTITY_REJECTED', 'x'))).toMatchObject({ status: 403 });
  });

  it('answers a key source that is down with 503 and Retry-After: it is not the visitor’s fault', () => {
    expect(identityHttpError(new IdentityError('ERR_KEY_SOURCE', 'JWKS unreachable'))).toMatchObject({ status: 503, code: 'ERR_KEY_SOURCE', headers: { 'Retry-After': '30' } });
  });

  it('leaves server faults to the catch-all: a community or configuration error at request time, and the verifier’s own bug', () => {
    for (const code of ['ERR_COMMUNITY_INVALID', 'ERR_VERIFIER_CONFIG', 'ERR_INTERNAL'] as const) {
      expect(IDENTITY_ERROR_STATUS[code]).toBe(500);
      expect(identityHttpError(new IdentityError(code, 'internal detail')), code).toBeUndefined();
    }
  });

  it('understands an IdentityError from another copy of the package by its name and code', () => {
    const foreign = Object.assign(new Error('The JWT is signed by an unknown key.'), { name: 'IdentityError', code: 'ERR_JWT_KID_UNKNOWN' });
    expect(identityHttpError(foreign)).toMatchObject({ status: 401, code: 'ERR_JWT_KID_UNKNOWN' });
  });

  it('is undefined for anything else: another error, an unknown code, a code inherited rather than owned, a non-error', () => {
    expect(identityHttpError(new TypeError('x'))).toBeUndefined();
    expect(identityHttpError(Object.assign(new Error('x'), { name: 'IdentityError', code: 'ERR_MADE_UP' }))).toBeUndefined();
    expect(identityHttpError(Object.assign(new Error('x'), { name: 'IdentityError', code: 'toString' }))).toBeUndefined();
    expect(identityHttpError(Object.assign(new Error('x'), { name: 'IdentityError' }))).toBeUndefined();
    expect(identityHttpError({ name: 'IdentityError', code: 'ERR_JWT_EXPIRED', message: 'x' })).toBeUndefined();
  });
});

describe('IDENTITY_ERROR_STATUS', () => {
  it('gives every code a status that is a client error, the key source’s 503 or a server fault, and cannot be changed', () => {
    for (const [code, status] of Object.entries(IDENTITY_ERROR_STATUS)) expect([400, 401, 403, 500, 503], code).toContain(status);
    expect(Object.isFrozen(IDENTITY_ERROR_STATUS)).toBe(true);
  });
});
