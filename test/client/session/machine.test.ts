/**
 * The visitor-session machine (issue 21 item 1; SPEC §5 "Logout, user switch and several
 * tabs", "Identity lifecycle"), driven headless: a scripted API, the real token clock and
 * supersession token, no element. Every transition, legal and illegal, is driven here.
 */
import { describe, expect, it, vi } from 'vitest';
import { AUTOMATED_UUID_PATTERN, type RegisterResponse } from '../../../src/identity/index.js';
import { ApiError, type Api } from '../../../src/client/transport/api.js';
import { Emitter } from '../../../src/client/support/events.js';
import { createClock } from '../../../src/client/session/lifecycle.js';
import { createSupersession } from '../../../src/client/session/supersession.js';
import { createSession, MOVES, type SessionChange, type SessionMachine, type SessionStatus, type SessionTransition, type SessionView } from '../../../src/client/session/machine.js';
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
    // A registration waits for the test's answer; the only other call is the logout (`DELETE /v1/session`).
    call: (method: string, path: string, session: string) =>
      path === '/v1/identity'
        ? new Promise<RegisterResponse>((resolve, reject) => answers.push({ resolve, reject }))
        : Promise.resolve(void logouts.push(`${method} ${path} ${session}`)),
  } as unknown as Api;
  /** What the conversation was told, in order. */
  const shown: string[] = [];
  const chat: SessionView = {
    attach: (conversationId) => void shown.push(`attach ${conversationId}`),
    lose: () => void shown.push('lose'),
    detach: () => void shown.push('detach'),
  };
  const posted: TabMessage[] = [];
  const changes: SessionChange[] = [];
  const epoch = createSupersession();
  const clock = createClock({ renewBefore: 300, onChange: (status) => status === 'expired' && visitor.fire('expire') });
  const visitor = createSession({
    api,
    tabs: { post: (message) => void posted.push(message), close() {} },
    clock,
    events: new Emitter<MessengerEvents>(),
    rules: { policy: { mode: 'accept' } as never, retry() {} },
    chat,
    epoch,
    changed: (change) => void changes.push(change),
  });
  /** `destroy()` as the ESM entry does it (index.ts): every registration on its way superseded, then `end`. */
  const destroy = (): void => {
    epoch.supersede();
    visitor.fire('end');
  };
  return { visitor, destroy, answers, logouts, chat, shown, posted, changes, clock };
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
    expect(logouts).toEqual(['DELETE /v1/session late']);
    // The other tabs are told, with the new automated uuid and no identity to keep.
    expect(posted).toEqual([{ type: 'logout', automatedUuid: expect.stringMatching(AUTOMATED_UUID_PATTERN), uuid: '' }]);
  });

  it('destroy ends the machine for good', async () => {
    const { visitor, destroy } = harness();
    destroy();
    expect(visitor.status).toBe('ended');
    expect(await visitor.set({ firstname: 'Ann' })).toMatchObject({ ok: false, message: 'superseded' });
    expect(visitor.status).toBe('ended');
  });

  it('a logout from another tab resets a visitor with a session, and is ignored with none', async () => {
    const { visitor, answers } = harness();
    visitor.fromTab({ type: 'logout', automatedUuid: 'a'.repeat(22), uuid: '' });
    expect(answers).toHaveLength(0);
    const first = visitor.set({ firstname: 'Ann' });
    await settle();
    answers[0]!.resolve(answer('s1'));
    await first;
    visitor.fromTab({ type: 'logout', automatedUuid: 'a'.repeat(22), uuid: '' });
    expect(visitor.session).toBeUndefined();
    // accept mode: an anonymous session starts again for whoever is at the browser next.
    expect(visitor.status).toBe('registering');
  });
});

/** A visitor registered and active (`s1`, conversation `c-s1`). */
async function active(h = harness(), input: Parameters<SessionMachine['set']>[0] = { firstname: 'Ann' }) {
  const result = h.visitor.set(input);
  await settle();
  h.answers.at(-1)!.resolve(answer('s1'));
  await result;
  return h;
}

const moves = (changes: SessionChange[]) => changes.map(({ from, via, to }) => `${from} -${via}-> ${to}`);

describe('every transition, named', () => {
  it('none → registering → active → lost → registering → active, the credential held by the machine only', async () => {
    const h = await active();
    expect(h.visitor.session).toBe('s1');
    h.visitor.lost('ERR_SESSION_INVALID');
    expect(h.visitor.session).toBeUndefined();
    await settle();
    h.answers[1]!.resolve(answer('s2'));
    await settle();
    expect(h.visitor.session).toBe('s2');
    expect(moves(h.changes)).toEqual([
      'none -register-> registering',
      'registering -registered-> active',
      'active -lose-> lost',
      'lost -register-> registering',
      'registering -registered-> active',
    ]);
    // The conversation is told, never handed the credential: lost keeps what is shown for the next one.
    expect(h.shown).toEqual(['attach c-s1', 'lose', 'attach c-s2']);
  });

  it('a refused first identity goes back to none; a refused renewal keeps the session active', async () => {
    const h = harness();
    const first = h.visitor.set({ firstname: 'Ann' });
    await settle();
    h.answers[0]!.reject(new ApiError(400, 'ERR_IDENTITY_INVALID', 'bad'));
    expect(await first).toMatchObject({ ok: false, code: 'ERR_IDENTITY_INVALID' });
    expect(h.visitor.status).toBe('none');
    await active(h);
    const renewal = h.visitor.set({ firstname: 'Ann' });
    expect(h.visitor.status).toBe('active');
    await settle();
    h.answers.at(-1)!.reject(new ApiError(400, 'ERR_JWT_EXP_TOO_SOON', 'short'));
    await renewal;
    expect([h.visitor.status, h.visitor.session]).toEqual(['active', 's1']);
    expect(moves(h.changes).slice(-2)).toEqual(['active -register-> active', 'active -refused-> active']);
  });

  it('active → expired by the token clock, and active again with a fresh token (no new registering)', async () => {
    const h = harness();
    const result = h.visitor.set({ firstname: 'Ann' });
    await settle();
    h.answers[0]!.resolve({ ...answer('s1'), expiresAt: Date.now() + 60_000 });
    await result;
    h.clock.expire();
    expect(h.visitor.status).toBe('expired');
    const fresh = h.visitor.set({ firstname: 'Ann' });
    expect(h.visitor.status).toBe('expired');
    await settle();
    h.answers[1]!.resolve(answer('s1'));
    await fresh;
    expect(moves(h.changes).slice(2)).toEqual(['active -expire-> expired', 'expired -register-> expired', 'expired -registered-> active']);
    h.clock.dispose();
  });

  it('reset (logout) from active returns to none; end is final', async () => {
    const h = await active();
    h.visitor.end('switch', 'other');
    expect(h.visitor.status).toBe('none');
    expect(h.shown.at(-1)).toBe('detach');
    h.destroy();
    expect(moves(h.changes).slice(-2)).toEqual(['active -reset-> none', 'none -end-> ended']);
  });

  const statuses = Object.keys(MOVES) as SessionStatus[];
  const transitions: SessionTransition[] = ['register', 'registered', 'refused', 'lose', 'expire', 'reset', 'end'];

  it('an illegal transition changes nothing, tells nothing and answers false (never a crash)', async () => {
    const h = harness();
    expect(h.visitor.fire('registered')).toBe(false);
    expect(h.visitor.fire('lose')).toBe(false);
    expect(h.visitor.fire('expire')).toBe(false);
    expect(h.visitor.status).toBe('none');
    expect(h.changes).toEqual([]);
    // A clock that lapses after a logout moves nothing.
    await active(h);
    h.visitor.end('logout');
    h.clock.expire();
    expect(h.visitor.status).not.toBe('expired');
    // Nothing leaves `ended`, not even reset or end.
    h.destroy();
    const told = h.changes.length;
    for (const via of transitions) expect(h.visitor.fire(via)).toBe(false);
    expect([h.visitor.status, h.changes.length]).toEqual(['ended', told]);
  });

  it('the table: every status answers every transition with a status or as illegal', () => {
    for (const from of statuses) {
      for (const via of transitions) {
        const to = MOVES[from][via];
        if (to !== undefined) expect([...statuses, 'back']).toContain(to);
      }
    }
    expect(MOVES.ended).toEqual({});
    // `registering` exists only without a session: a renewal of an active or expired visitor keeps its status.
    expect([MOVES.active.register, MOVES.expired.register]).toEqual(['active', 'expired']);
  });
});
