import type { IdentityData, PublicIdentity, RegisterRequest, RegisterResponse } from '../../identity/index.js';
import { AUTOMATED_UUID_PATTERN } from '../../identity/protocol.js';
import type { Api, ApiError } from '../transport/api.js';
import { loadAutomatedUuid, saveAutomatedUuid } from './automated-uuid.js';
import type { Emitter } from '../support/events.js';
import { randomId } from '../support/ids.js';
import { readIdentityInput } from './identity-input.js';
import type { TokenClock } from './lifecycle.js';
import type { PolicySource } from './policy.js';
import type { TabMessage, TabSync } from '../support/tabs.js';
import type { IdentityResult, MessengerErrorCode, MessengerEvents } from '../types.js';
import type { Supersession } from './supersession.js';

/**
 * The visitor's session, SPEC §5 ("Logout, user switch and several tabs", "Identity lifecycle"):
 *
 *   none ─register─▸ registering ─registered─▸ active ─lose─▸ lost ─register─▸ registering
 *                                          expire ▾  ▴ registered (a fresh token)
 *                                                expired
 *   reset (logout, user switch): none, from any status; end (destroy(), index.ts: the epoch superseded, then `fire('end')`): ended, for good.
 *
 * `registering` only exists while there is no live session: a renewal of an `active` (or
 * `expired`) visitor keeps its status until the server answers. `lost`: the server forgot the
 * session; the identity is kept to register again. `expired`: the token lapsed (its clock,
 * session/lifecycle.ts, or the server said so); a fresh token makes it `active` again.
 */
export type SessionStatus = 'none' | 'registering' | 'active' | 'lost' | 'expired' | 'ended';

/** The named transitions. `reset` and `end` are legal from every status but `ended`. */
export type SessionTransition = 'register' | 'registered' | 'refused' | 'lose' | 'expire' | 'reset' | 'end';

/** Told on every legal transition (a renewal moves `active` to `active`). */
export interface SessionChange {
  from: SessionStatus;
  to: SessionStatus;
  via: SessionTransition;
}

/**
 * Where each transition leads; one missing is illegal: it changes nothing and `fire` answers
 * `false` (a late answer, a clock that lapses after a logout: never a crash, never a move).
 * `back`: to `registering` while another registration waits, else `lost` if an identity is
 * kept, else `none`.
 */
export const MOVES: Readonly<Record<SessionStatus, Partial<Record<SessionTransition, SessionStatus | 'back'>>>> = {
  none: { register: 'registering' },
  registering: { register: 'registering', registered: 'active', refused: 'back', expire: 'expired' },
  active: { register: 'active', registered: 'active', refused: 'active', lose: 'lost', expire: 'expired' },
  lost: { register: 'registering', expire: 'expired' },
  // A session lost while expired stays expired: the notice stays until a fresh token.
  expired: { register: 'expired', registered: 'active', refused: 'expired' },
  ended: {},
};

/** The conversation shown for the session: the machine binds it and lets it go, and holds the credential itself. */
export interface SessionView {
  attach(conversationId: string): void;
  /** The server forgot the session: what is shown stays, to be carried into the next conversation. */
  lose(): void;
  detach(): void;
}

export interface SessionDeps {
  api: Api;
  tabs: TabSync;
  clock: TokenClock;
  events: Emitter<MessengerEvents>;
  rules: PolicySource;
  chat: SessionView;
  /** Superseded on reset and end: every registration still on its way is dropped. */
  epoch: Supersession;
  changed(change: SessionChange): void;
  /** A registration reached no server: call `wake()` again later (SPEC §10 "Outages"). */
  unreached?(): void;
}

export interface SessionMachine {
  readonly status: SessionStatus;
  /** The credential: the server's session id while it holds one. Only the machine writes it. */
  readonly session: string | undefined;
  /** Who the server says the visitor is, once registered. */
  readonly identity: PublicIdentity | undefined;
  /** Moves by `via` if it is legal from the current status; answers whether it moved. */
  fire(via: SessionTransition): boolean;
  /** A JWT string or unsigned data (checked before: queue.ts, index.ts); a uuid other than the current visitor's is a user switch (SPEC §5). */
  set(input: string | IdentityData): Promise<IdentityResult>;
  /** Refuses an identity locally (never sent). */
  fail(code: 'ERR_IDENTITY_INVALID' | 'ERR_JWT_MALFORMED', message: string): Promise<IdentityResult>;
  /** The server allows anonymous sessions: start one, unless an identity is on its way. */
  anonymous(): void;
  /** The server said the session lapsed: a signed one waits for a fresh JWT; an unsigned one only idled out. */
  expired(): void;
  /** The session is gone for another reason: ended elsewhere (`session_ended`), or unknown to the server. */
  lost(code: string): void;
  /** A wake-up (`online`…): retry a registration that reached no server, if its visitor is still current. */
  wake(): void;
  /** Logout or user switch here: ends the session on the server and in every tab. */
  end(kind: 'logout' | 'switch', uuid?: string): void;
  /** Another tab logged out or switched user: the same here (SPEC §5: all tabs agree). */
  fromTab(message: Exclude<TabMessage, { type: 'message' }>): void;
}

/** How a registration relates to the session held: none (anonymous), the same visitor's (handed over), another's. */
type Registration = 'anonymous' | 'same' | 'other';

const SUPERSEDED = { ok: false, code: 'ERR_SESSION_INVALID', message: 'superseded' } as const;

export function createSession(deps: SessionDeps): SessionMachine {
  const { api, tabs, clock, events, rules, chat, epoch } = deps;
  let status: SessionStatus = 'none';
  let session: string | undefined;
  let automatedUuid = loadAutomatedUuid();
  let identity: PublicIdentity | undefined;
  /** The uuid the host gave for the current visitor (undefined: anonymous). Detects user switches. */
  let claimed: string | undefined;
  /** The last identity registered, in memory only, to register again if the server forgot the session. */
  let last: RegisterRequest | undefined;
  /** When the server last forgot our session: re-register at most once a minute. */
  let lostAt = -Infinity;
  /** A registration that reached no server (network, 5xx), to retry on the next wake-up. */
  let unreached: (() => void) | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  /** Registrations queued or in flight. */
  let pending = 0;
  /** An identity was given since the last reset: no anonymous session then, even if it was refused. */
  let given = false;
  /** The server gave an anonymous visitor a session (reject or accept mode). */
  let anonymousAllowed = false;

  function fire(via: SessionTransition): boolean {
    let to = via === 'end' ? 'ended' : via === 'reset' ? 'none' : MOVES[status][via];
    if (!to || status === 'ended') return false;
    if (to === 'back') to = pending > 1 ? 'registering' : identity ? 'lost' : 'none';
    const from = status;
    status = to;
    deps.changed({ from, to, via });
    return true;
  }

  /** An identity refused, here or by the server: told in the console and by `identity_rejected` (not for an anonymous try). */
  function refused(code: MessengerErrorCode, message: string): IdentityResult {
    console.error(`chatq: ${code}: ${message}`);
    events.emit('identity_rejected', { code, message });
    return { ok: false, code, message };
  }

  /** Ends a session on the server, whatever the answer (it may be gone already). */
  const endSession = (ended: string | undefined): void => {
    if (ended) api.call('DELETE', '/v1/session', ended).catch(() => {});
  };

  /** The server forgot (or idled out) the session: register the same identity again, not in a loop. */
  function again(): void {
    if (!last || Date.now() - lostAt < 60_000) return;
    lostAt = Date.now();
    void register(last, last.jwt || last.identity ? 'same' : 'anonymous');
  }

  /**
   * Logout or user switch, in this tab: forget everything shown and stored, supersede all in flight.
   * `reprobe`: then, in reject/accept mode, an anonymous registration starts the chat again.
   */
  function reset(nextAutomatedUuid: string, reprobe?: boolean): void {
    epoch.supersede();
    automatedUuid = saveAutomatedUuid(nextAutomatedUuid);
    session = identity = claimed = last = unreached = undefined;
    given = false;
    // The conversation, the draft and its notices go with detach; the token's clock stops.
    chat.detach();
    clock.stop();
    fire('reset');
    if (reprobe && (anonymousAllowed || (rules.policy && rules.policy.mode !== 'require'))) void register({}, 'anonymous');
  }

  /** Registers an identity (or none); registrations run one at a time, in order. */
  function register(request: RegisterRequest, kind: Registration): Promise<IdentityResult> {
    // Taken now, not when its turn comes: a logout queued behind it must win.
    const current = epoch.ticket();
    pending++;
    fire('register');
    const run = async (): Promise<IdentityResult> => {
      // After destroy() nothing is registered, not even what was asked after it.
      if (!current() || status === 'ended') return SUPERSEDED;
      const previous = session;
      unreached = undefined;
      let answer: RegisterResponse;
      try {
        answer = await api.call<RegisterResponse>('POST', '/v1/identity', kind === 'other' ? undefined : previous, { ...request, automatedUuid });
      } catch (error) {
        if (!current()) return SUPERSEDED;
        // The API rejects with an ApiError only; a network failure is status 0.
        const { status: http, code, message } = error as ApiError;
        if (!http || http >= 500) {
          unreached = () => current() && void register(request, kind);
          deps.unreached?.();
        }
        fire('refused');
        return kind === 'anonymous' ? { ok: false, code, message } : refused(code, message);
      }
      if (!current()) {
        // The server made a session nobody will use: end it (not one still held).
        if (answer.session !== session) endSession(answer.session);
        return SUPERSEDED;
      }
      // From anonymous to signed in: the anonymous session is no longer needed.
      if (kind === 'other' && previous !== answer.session) endSession(previous);
      rules.policy = answer.policy ?? rules.policy;
      identity = answer.identity;
      last = request;
      session = answer.session;
      chat.attach(answer.conversationId);
      if (kind === 'anonymous') {
        anonymousAllowed = true;
        clock.syncClock(answer.serverTime);
      } else {
        clock.start(answer.expiresAt, answer.serverTime);
        events.emit('identity_verified', { identity, ...(answer.expiresAt !== undefined && { expiresAt: answer.expiresAt }) });
      }
      fire('registered');
      // Other tabs showing another visitor reset (SPEC §5: a user switch applies to all tabs).
      if (kind !== 'anonymous' && claimed !== undefined) tabs.post({ type: 'switch', automatedUuid, uuid: claimed });
      return { ok: true, identity };
    };
    const result = queue.then(run, run).finally(() => pending--);
    queue = result;
    return result;
  }

  const machine: SessionMachine = {
    get status() {
      return status;
    },
    get session() {
      return session;
    },
    get identity() {
      return identity;
    },
    fire,
    set(input) {
      const read = readIdentityInput(input);
      if ('code' in read) return machine.fail(read.code, read.message);
      // A token the server will refuse (lapsed, or under minTokenLifetime: SPEC §5) is told at once by
      // the refusal `register` logs, in the server's words and on its clock (`refused`): no second guess here.
      const { request, uuid } = read;
      if (claimed !== undefined && uuid !== undefined && uuid !== claimed) machine.end('switch', uuid);
      // Data without a uuid keeps the current visitor (an automated uuid if none was claimed).
      const same = uuid === undefined ? claimed === undefined : uuid === claimed;
      claimed = uuid ?? claimed;
      given = true;
      return register(request, same ? 'same' : 'other');
    },
    fail: async (code, message) => refused(code, message),
    anonymous() {
      if (status === 'none' && !given) void register({}, 'anonymous');
    },
    expired() {
      if (last?.jwt) clock.expire();
      else again();
    },
    lost(code) {
      if (code === 'session_ended') {
        reset(loadAutomatedUuid(), true);
      } else {
        session = undefined;
        chat.lose();
        fire('lose');
        again();
      }
    },
    wake() {
      if (!session) unreached?.();
    },
    end(kind, uuid = '') {
      endSession(session);
      reset(randomId(), kind === 'logout');
      tabs.post({ type: kind, automatedUuid, uuid });
    },
    fromTab(message) {
      if (
        AUTOMATED_UUID_PATTERN.test(message.automatedUuid) &&
        // A registration on its way counts: it must not sign the previous visitor in after.
        status !== 'none' &&
        (message.type === 'logout' || message.uuid !== claimed)
      ) {
        // This tab's own session ends too: the server may keep one per tab.
        endSession(session);
        reset(message.automatedUuid, true);
      }
    },
  };
  return machine;
}
