import { describe, expect, it } from 'vitest';
import { ChatqError } from '../../../../src/identity/index.js';
import { errorReply, HttpError } from '../../../../src/server/handler/http/errors.js';

describe('HttpError', () => {
  it('is a ChatqError with its status, stable code, message and headers', () => {
    const error = new HttpError(429, 'ERR_RATE_LIMITED', 'Too many messages; wait 3 s.', { 'Retry-After': '3' });
    expect(error).toBeInstanceOf(ChatqError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'HttpError', status: 429, code: 'ERR_RATE_LIMITED', message: 'Too many messages; wait 3 s.', headers: { 'Retry-After': '3' } });
  });

  it('has no headers unless given', () => {
    expect(new HttpError(404, 'ERR_NOT_FOUND', 'Nothing here.').headers).toEqual({});
  });
});

describe('errorReply', () => {
  it('answers { error: { code, message } } as JSON with the status and the headers, lower-cased', () => {
    const reply = errorReply(new HttpError(405, 'ERR_METHOD_NOT_ALLOWED', 'PUT is not allowed here.', { Allow: 'GET, OPTIONS' }));
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('GET, OPTIONS');
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(reply.body as string)).toEqual({ error: { code: 'ERR_METHOD_NOT_ALLOWED', message: 'PUT is not allowed here.' } });
  });
});
