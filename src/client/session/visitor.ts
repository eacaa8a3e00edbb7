import type { ErrorCode, PublicIdentity, RegisterRequest, RegisterResponse } from '../../identity/index.js';
import { AUTOMATED_UUID_PATTERN } from '../../identity/protocol.js';
import type { Api, ApiError } from '../transport/api.js';
import { loadAutomatedUuid, saveAutomatedUuid } from './automated-uuid.js';
import type { Emitter } from '../support/events.js';
import { randomId } from '../support/ids.js';
import { readIdentityInput } from './identity-input.js';
import type { IdentityLifecycle } from './lifecycle.js';
import type { PolicySource } from './policy.js';
import type { TabMessage, TabSync } from '../support/tabs.js';
import { lifetimeProblem } from './token.js';
import type { IdentityResult, MessengerErrorCode, MessengerEvents } from '../types.js';
import type { Supersession } from './supersession.js';

/**
 * Who the visitor is, SPEC §5 ("Logout, user switch and several tabs"):
 *
 *   none → registering → active ⇄ lost        logout, user switch: back to none
 *                                               destroy(): ended, from anywhere
 *
 * `registering` only exists while there is no live session: renewing the
 * identity of an `active` visitor keeps it active (the conversation goes on).
 * `lost`: the server forgot the session; the identity is kept to register
 * again. The JWT's own clock is the lifecycle's concern (lifecycle.ts).
 */
export type VisitorStatus = 'none' | 'registering' | 'active' | 'lost' | 'ended';

/** The conversation as the visitor sees it: bound to one session at a time. */
export interface SessionHolder {
  session: string | undefined;
  attach(session: string, conversationId: string): void;
  detach(): void;
}

export interface VisitorDeps {
  api: Api;
  tabs: TabSync;
  lifecycle: IdentityLifecycle;
  events: Emitter<MessengerEvents>;
  rules: PolicySource;
  chat: SessionHolder;
  /** Superseded on logout, user switch and destroy: every registration still on its way is dropped. */
  epoch: Supersession;
  /** The visitor changed (a registration answered, a reset): re-render the greeting and launcher. */
  changed(identity: PublicIdentity | undefined): void;
  /** A registration reached no server: call `wake()` again later (SPEC §10 "Outages"). */
  unreached?(): void;
}

export interface Visitor {
  readonly status: VisitorStatus;
  /** A JWT string or unsigned data; a uuid other than the current visitor's is a user switch (SPEC §5). */
  set(input: unknown): Promise<IdentityResult>;
  /** Refuses an identity locally (never sent). */
  fail(code: 'ERR_IDENTITY_INVALID' | 'ERR_JWT_MALFORMED', message: string): Promise<IdentityResult>;
  /** The server allows anonymous sessions: start one, unless an identity is on its way. */
  anonymous(): void;
  /** The session lapsed: a signed one with its JWT (the lifecycle's notice); an unsigned one only idled out. */
  expired(): void;
  /** The session is gone for another reason: ended elsewhere (`session_ended`), or unknown to the server. */
  lost(code: string): void;
  /** A wake-up (`online`…): retry a registration that reached no server, if its visitor is still current. */
  wake(): void;
  /** Logout or user switch here: ends the session on the server and in every tab. */
  end(kind: 'logout' | 'switch', uuid?: string): void;
  /** Another tab logged out or switched user: the same here (SPEC §5: all tabs agree). */
  fromTab(message: Exclude<TabMessage, { type: 'message' }>): void;
  destroy(): void;
}

export function createVisitor(deps: VisitorDeps): Visitor {
  const { api, tabs, lifecycle, events, rules, chat, epoch } = deps;
  let status: VisitorStatus = 'none';
  let automatedUuid = loadAutomatedUuid();
  let identity: PublicIdentity | undefined;
  /** The uuid the host gave for the current visitor (undefined: anonymous). Detects user switches. */
  let claimed: string | undefined;
  /** The last identity given, kept in memory only, to register again if the server forgot the session. */
  let last: RegisterRequest | undefined;
  /** When the server last forgot our session: re-register at most once a minute. */
  let lostAt = -Infinity;
  /** A registration that reached no server (network, 5xx), to retry on the next wake-up. */
  let unreached: (() => void) | undefined;
  /** The server gave an anonymous visitor a session (reject or accept mode). */
  let anonymousAllowed = false;
  let queue: Promise<unknown> = Promise.resolve();
  /** Registrations queued or in flight. */
  let pending = 0;

  /** The one place the status moves (`ended` is final). */
  const settle = (): void => {
    if (status !== 'ended') status = chat.session ? 'active' : pending ? 'registering' : identity ? 'lost' : 'none';
  };

  /** An identity refused, here or by the server: told in the console and by `identity_rejected` (not for an anonymous try). */
  function refused(code: MessengerErrorCode, message: string, quiet = false): IdentityResult {
    if (!quiet) {
      console.error(`chatq: ${code}: ${message}`);
      events.emit('identity_rejected', { code, message });
    }
    return { ok: false, code, message };
  }

  /** Ends a session on the server, whatever the answer (it may be gone already). */
  const endSession = (session: string | undefined): void => {
    if (session) api.logout(session).catch(() => {});
  };

  /** The server forgot (or idled out) the session: register the same identity again, not in a loop. */
  function again(keepSession: boolean): void {
    if (!keepSession) {
      chat.session = undefined;
      settle();
    }
    if (!last || Date.now() - lostAt < 60_000) return;
    lostAt = Date.now();
    void register(last, !last.jwt && !last.identity);
  }

  /** Logout or user switch, in this tab: forget everything shown and stored, supersede all in flight. */
  function reset(nextAutomatedUuid: string, reprobe: boolean): void {
    epoch.supersede();
    automatedUuid = saveAutomatedUuid(nextAutomatedUuid);
    identity = claimed = last = unreached = undefined;
    // The conversation, the draft and its notices go with detach; the session-expired one with the lifecycle's reset.
    chat.detach();
    lifecycle.reset();
    settle();
    deps.changed(undefined);
    // An anonymous registration: in reject/accept mode it starts the chat again.
    if (reprobe && (anonymousAllowed || (rules.policy && rules.policy.mode !== 'require'))) void register({}, true);
  }

  /** Registers an identity (or none, `anonymous`); registrations run one at a time, in order. */
  function register(request: RegisterRequest, anonymous = false, sameVisitor = true): Promise<IdentityResult> {
    // Taken now, not when its turn comes: a logout queued behind it must win.
    const current = epoch.ticket();
    pending++;
    settle();
    const superseded = { ok: false, code: 'ERR_SESSION_INVALID', message: 'superseded' } as const;
    const run = async (): Promise<IdentityResult> => {
      // After destroy() nothing is registered, not even what was asked after it.
      if (!current() || status === 'ended') return superseded;
      const previousSession = chat.session;
      unreached = undefined;
      if (!anonymous) lifecycle.submit();
      let answer: RegisterResponse;
      try {
        answer = await api.register({ ...request, automatedUuid }, sameVisitor ? previousSession : undefined);
      } catch (error) {
        if (!current()) return superseded;
        // The API rejects with an ApiError only; a network failure is status 0.
        const { status, code, message } = error as ApiError;
        if (status === 0 || status >= 500) {
          unreached = () => current() && void register(request, anonymous);
          deps.unreached?.();
        }
        if (!anonymous) lifecycle.rejected(code);
        return refused(code, message, anonymous);
      }
      if (!current()) {
        // The server made a session nobody will use: end it (not one still shown).
        if (answer.session !== chat.session) endSession(answer.session);
        return superseded;
      }
      // From anonymous to signed in: the anonymous session is no longer needed.
      if (!sameVisitor && previousSession !== answer.session) endSession(previousSession);
      rules.policy = answer.policy ?? rules.policy;
      identity = answer.identity;
      last = request;
      if (anonymous) anonymousAllowed = true;
      chat.attach(answer.session, answer.conversationId);
      if (anonymous) lifecycle.syncClock(answer.serverTime);
      else {
        lifecycle.verified(answer.expiresAt, answer.serverTime);
        events.emit('identity_verified', {
          identity,
          ...(answer.expiresAt !== undefined && { expiresAt: answer.expiresAt }),
        });
      }
      settle();
      deps.changed(identity);
      // Other tabs showing another visitor reset (SPEC §5: a user switch applies to all tabs).
      if (!anonymous && claimed !== undefined) tabs.post({ type: 'switch', automatedUuid, uuid: claimed });
      return { ok: true, identity };
    };
    const result = queue.then(run, run).finally(() => {
      pending--;
      settle();
    });
    queue = result;
    return result;
  }

  const visitor: Visitor = {
    get status() {
      return status;
    },
    set(input) {
      const read = readIdentityInput(input);
      if ('code' in read) return visitor.fail(read.code, read.message);
      const { request, uuid, jwt } = read;
      if (jwt) {
        rules.whenKnown(() => {
          // In integrator words, never the token.
          const problem = lifetimeProblem(jwt, rules.policy, lifecycle.serverNow());
          if (problem) console.warn(`chatq: JWT will be refused: ${problem}`);
        });
      }
      if (claimed !== undefined && uuid !== undefined && uuid !== claimed) visitor.end('switch', uuid);
      // Data without a uuid keeps the current visitor (an automated uuid if none was claimed).
      const sameVisitor = uuid === undefined ? claimed === undefined : uuid === claimed;
      claimed = uuid ?? claimed;
      return register(request, false, sameVisitor);
    },
    fail: async (code, message) => refused(code, message),
    anonymous() {
      if (!last && lifecycle.state.status === 'anonymous') void register({}, true);
    },
    expired: () => (last?.jwt ? lifecycle.sessionExpired() : again(true)),
    lost: (code) => (code === 'session_ended' ? reset(loadAutomatedUuid(), true) : again(false)),
    wake() {
      if (!chat.session) unreached?.();
    },
    end(kind, uuid = '') {
      endSession(chat.session);
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
        endSession(chat.session);
        reset(message.automatedUuid, true);
      }
    },
    destroy() {
      status = 'ended';
      epoch.supersede();
    },
  };
  return visitor;
}
