/**
 * 429 ERR_TOO_MANY_STREAMS (SPEC §6 "Abuse limits"): one builder for the
 * visitor's and the agent's stream routes.
 */
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../../../src/server/handler/http/errors.js';
import { tooManyStreams } from '../../../../../src/server/handler/routes/shared/streams.js';

describe('tooManyStreams', () => {
  it('is a 429 ERR_TOO_MANY_STREAMS naming the limit and the scope, with Retry-After', () => {
    const error = tooManyStreams(3, 'streams per session');
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 429, code: 'ERR_TOO_MANY_STREAMS', message: 'At most 3 open streams per session.', headers: { 'Retry-After': '5' } });
  });

  it('adds the advice before the full stop', () => {
    expect(tooManyStreams(20, 'agent streams per address', ': close a tab').message).toBe('At most 20 open agent streams per address: close a tab.');
  });
});
