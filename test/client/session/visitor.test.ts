/**
 * Who the visitor is, as a state machine (issue 12; SPEC §5 "Logout, user
 * switch and several tabs"), driven headless: a scripted API, the real
 * lifecycle and supersession token, no element.
 */
import { describe, expect, it, vi } from 'vitest';
import { AUTOMATED_UUID_PATTERN, type RegisterResponse } from '../../../src/identity/index.js';
import { ApiError, type Api } from '../../../src/client/transport/api.js';
import { Emitter } from '../../../src/client/support/events.js';
import { IdentityLifecycle } from '../../../src/client/session/lifecycle.js';
import { createSupersession } from '../../../src/client/session/supersession.js';
import { createVisitor, type SessionHolder } from '../../../src/client/session/visitor.js';
import type { TabMessage } from '../../../src/client/support/tabs.js';
import type { MessengerEvents } from '../../../src/client/types.js';

const answer = (session: string): RegisterResponse => ({
  session,
  conversationId: `c-${session}`,
  identity: { uuid: 'u1', fields: {} } as unknown as RegisterResponse['identity'],
  serverTime: Date.now(),
});

function harness() {
  const answers: { resolve(value: RegisterResponse): void; reject(error: unknown): void }[] = [];
  const logouts: string[] = [];
  const api = {
    register: () => new Promise<RegisterResponse>((resolve, reject) => answers.push({ resolve, reject })),
    logout: async (session: string) => void logouts.push(session),
  } as unknown as Api;
  const chat: SessionHolder = {
    session: undefined,
    attach(session) {
      this.session = session;
    },
    detach() {
      this.session = undefined;
    },
  };
  const posted: TabMessage[] = [];
  const changed = vi.fn();
  const visitor = createVisitor({
    api,
    tabs: { post: (message) => void posted.push(message), close() {} },
    lifecycle: new IdentityLifecycle({ renewBefore: 300, onChange() {} }),
    events: new Emitter<MessengerEvents>(),
    rules: { policy: { mode: 'accept' } as never, whenKnown() {}, retry() {} },
    chat,
    epoch: createSupersession(),
    changed,
  });
  return { visitor, answers, logouts, chat, posted, changed };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('none → registering → active', () => {
  it('moves with the registration, and stays active while a renewal is on its way', async () => {
    const { visitor, answers } = harness();
    expect(visitor.status).toBe('none');
    const first = visitor.set({ firstname: 'Ann' });
    expect(visitor.status).toBe('registering');
    await settle();
    answers[0]!.resolve(answer('s1'));
    expect(await first).toMatchObject({ ok: true });
    expect(visitor.status).toBe('active');
    void visitor.set({ firstname: 'Ann' });
    expect(visitor.status).toBe('active');
  });
});

describe('active → lost → registering', () => {
  it('a session the server forgot keeps the identity, to register it again', async () => {
    const { visitor, answers } = harness();
    const first = visitor.set({ firstname: 'Ann' });
    await settle();
    answers[0]!.resolve(answer('s1'));
    await first;
    visitor.lost('ERR_SESSION_INVALID');
    expect(visitor.status).toBe('registering');
    await settle();
    answers[1]!.reject(new ApiError(0, 'ERR_NETWORK', 'down'));
    await settle();
    expect(visitor.status).toBe('lost');
  });
});

describe('a logout supersedes everything in flight (one token)', () => {
  it('a registration answered after the logout is dropped and its session ended', async () => {
    const { visitor, answers, logouts, posted } = harness();
    const result = visitor.set({ firstname: 'Ann' });
    await settle();
    visitor.end('logout');
    answers[0]!.resolve(answer('late'));
    expect(await result).toMatchObject({ ok: false, message: 'superseded' });
    expect(logouts).toEqual(['late']);
    // The other tabs are told, with the new automated uuid and no identity to keep.
    expect(posted).toEqual([{ type: 'logout', automatedUuid: expect.stringMatching(AUTOMATED_UUID_PATTERN), uuid: '' }]);
  });

  it('destroy ends the machine for good', async () => {
    const { visitor } = harness();
    visitor.destroy();
    expect(visitor.status).toBe('ended');
    expect(await visitor.set({ firstname: 'Ann' })).toMatchObject({ ok: false, message: 'superseded' });
    expect(visitor.status).toBe('ended');
  });

  it('a logout from another tab resets a visitor with a session, and is ignored with none', async () => {
    const { visitor, answers, chat } = harness();
    visitor.fromTab({ type: 'logout', automatedUuid: 'a'.repeat(22), uuid: '' });
    expect(answers).toHaveLength(0);
    const first = visitor.set({ firstname: 'Ann' });
    await settle();
    answers[0]!.resolve(answer('s1'));
    await first;
    visitor.fromTab({ type: 'logout', automatedUuid: 'a'.repeat(22), uuid: '' });
    expect(chat.session).toBeUndefined();
    // accept mode: an anonymous session starts again for whoever is at the browser next.
    expect(visitor.status).toBe('registering');
  });
});
