import { describe, expect, it } from 'vitest';
import { fromCaller } from '../../../src/server/handler/caller.js';

describe('fromCaller: the Request and env of a call', () => {
  const request = new Request('https://chat.test/v1/policy');

  it('takes a Request and the env passed beside it as they are', () => {
    const env = { incoming: 1 };
    const given = fromCaller(request, env);
    expect(given.request).toBe(request);
    expect(given.env).toBe(env);
  });

  it("reads a Hono Context's req.raw and its own env, not the second argument", () => {
    const env = { fromContext: true };
    const given = fromCaller({ req: { raw: request }, env }, { ignored: true });
    expect(given.request).toBe(request);
    expect(given.env).toBe(env);
  });

  it('hands on anything else as the request, so the handler answers it with its usual error JSON', () => {
    const notRequest = { req: { raw: 'not a Request' } };
    expect(fromCaller(notRequest as never, 'env')).toEqual({ request: notRequest, env: 'env' });
    expect(fromCaller(undefined as never, 'env')).toEqual({ request: undefined, env: 'env' });
  });
});
