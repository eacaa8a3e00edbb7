/**
 * SPEC §13 "renewal works for any lifetime" (issue 17): against the real
 * handler, tokens that live 40 s with `renewBefore` 300 s. Every token fires
 * `identity_expiring` once, halfway through its life, and its renewal keeps
 * the session: the script tag's way (the host pushes a new JWT from its
 * `identity_expiring` listener) and `getToken`'s.
 */
import { describe, expect, it, vi } from 'vitest';
import { nowSeconds } from '../../helpers/sign.js';
import { flush, setup, token, useCleanPage } from '../helpers.js';

useCleanPage();

/** The community accepts 40 s tokens (the default test policy asks for an hour). */
const SHORT_TOKENS = { policy: { minTokenLifetime: 20, clockTolerance: 0 } };
const fortySeconds = (): string => token({ exp: nowSeconds() + 40 });

describe('renewal of 40 s tokens with renewBefore 300', () => {
  it('the script tag way: identity_expiring fires once per token and the JWT pushed from it renews, three times in a row', async () => {
    const { chat, server } = await setup({ renewBefore: 300 }, SHORT_TOKENS);
    const expiring: number[] = [];
    const expired = vi.fn();
    chat.on('session_expired', expired);
    chat.on('identity_expiring', ({ expiresAt }) => {
      expiring.push(expiresAt);
      // What a host page does: fetch a fresh JWT and push it (`_chatq.push(['_setSignedIdentity', jwt])`).
      if (expiring.length <= 3) void chat.setIdentity(fortySeconds());
    });
    const started = Date.now();
    await chat.setIdentity(fortySeconds());
    await flush();
    expect(expiring).toEqual([]); // not at once: halfway through the token's 40 s
    for (let renewal = 1; renewal <= 3; renewal++) {
      await vi.advanceTimersByTimeAsync(20_000);
      await flush();
      expect(expiring).toHaveLength(renewal);
      // The token that is expiring is the one pushed last: 40 s after it was issued.
      expect(expiring[renewal - 1]).toBe(started + (renewal - 1) * 20_000 + 40_000);
    }
    // The third renewal's token is live; it was never allowed to lapse, and the session is the same one.
    const registrations = server.requests.filter((r) => r.url.endsWith('/v1/identity'));
    expect(registrations.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(server.sessions).toHaveLength(1);
    expect(await server.sessionState(server.sessions[0]!)).toBe('live');
    expect(expired).not.toHaveBeenCalled();
  });

  it('getToken: called once per token, each firing identity_expiring first', async () => {
    const order: string[] = [];
    const { chat, server } = await setup(
      {
        renewBefore: 300,
        getToken: () => {
          order.push('getToken');
          return fortySeconds();
        },
      },
      SHORT_TOKENS,
    );
    chat.on('identity_expiring', () => order.push('identity_expiring'));
    const expired = vi.fn();
    chat.on('session_expired', expired);
    await chat.setIdentity(fortySeconds());
    await flush();
    for (let renewal = 1; renewal <= 3; renewal++) {
      await vi.advanceTimersByTimeAsync(20_000);
      await flush();
      expect(order).toEqual(Array.from({ length: renewal }, () => ['identity_expiring', 'getToken']).flat());
    }
    expect(server.sessions).toHaveLength(1);
    expect(await server.sessionState(server.sessions[0]!)).toBe('live');
    expect(expired).not.toHaveBeenCalled();
  });
});
