import { AUTOMATED_UUID_PATTERN, type PublicIdentity, type RegisterRequest } from '../identity/index.js';
import { Api, ApiError } from './api.js';
import { loadAutomatedUuid, saveAutomatedUuid } from './automated-uuid.js';
import { Chat } from './chat.js';
import { Emitter } from './events.js';
import { Strings } from './i18n.js';
import { randomId } from './ids.js';
import { readIdentityInput } from './identity-input.js';
import { IdentityLifecycle, type LifecycleState } from './lifecycle.js';
import { askPolicy } from './policy.js';
import { createTabSync, type TabMessage } from './tabs.js';
import { validSeconds } from './timers.js';
import { inspectToken } from './token.js';
import type { IdentityResult, Messenger, MessengerConfiguration, MessengerEvents, MessengerOptions } from './types.js';
import { defineMessengerElement, TAG_NAME } from './ui/define.js';
import type { ChatqMessengerElement } from './ui/element.js';
import { mountElement } from './mount.js';
import { onWake } from './wake.js';

/** `renewBefore` if valid; a console error (and undefined: keep the current value) otherwise. */
function seconds(value: unknown): number | undefined {
  if (value === undefined || validSeconds(value)) return value;
  console.error('chatq: renewBefore must be a number of seconds ≥ 0.');
}

/**
 * Creates the chat widget (SPEC §5). It composes the identity lifecycle, the
 * registration with the server, the conversation (`Chat`) and the
 * `<chatq-messenger>` element; each of those lives in its own module.
 */
export function createMessenger(options: MessengerOptions): Messenger {
  const api = new Api(String(options.server).replace(/\/+$/, ''));
  const events = new Emitter<MessengerEvents>();
  const strings = new Strings(options.locale);
  const config: MessengerConfiguration & { container?: HTMLElement } = {
    embedded: !!options.container,
    ...(options.container && { container: options.container }),
  };
  defineMessengerElement();
  const view = document.createElement(TAG_NAME) as ChatqMessengerElement;
  view.strings = strings;
  view.refreshText();

  let automatedUuid = loadAutomatedUuid();
  let identity: PublicIdentity | undefined;
  /** The uuid the host gave for the current visitor (undefined: anonymous). Detects user switches. */
  let claimedUuid: string | undefined;
  /** The last identity given, kept in memory only, to register again if the server forgot the session. */
  let lastRequest: RegisterRequest | undefined;
  let generation = 0;
  /** When the server last forgot our session: re-register at most once a minute. */
  let lostAt = -Infinity;
  /** A registration that failed on the network (or a 5xx): retried on the next wake-up (`online`…). */
  let unreached: { request: RegisterRequest; anonymous: boolean; generation: number } | undefined;
  /** The server gave an anonymous visitor a session (reject or accept mode). */
  let anonymousAllowed = false;
  let registrations: Promise<unknown> = Promise.resolve();
  /** Registrations queued or in flight: a logout in another tab must supersede them too. */
  let registering = 0;
  let mounted = false;
  let destroyed = false;

  const tabs = createTabSync(api.base, onTabMessage);
  const lifecycle = new IdentityLifecycle({
    renewBefore: seconds(options.renewBefore) ?? 300,
    onChange: lifecycleChanged,
    ...(options.getToken && {
      renew: async () => {
        const expected = generation;
        const jwt = await options.getToken!();
        // A logout while getToken ran: never sign the previous visitor back in.
        return expected !== generation || (await setIdentity(jwt)).ok;
      },
    }),
  });
  const chat = new Chat({
    api,
    view,
    events,
    strings,
    tabs,
    now: () => lifecycle.serverNow(),
    // A signed session lapses with its JWT (the notice); an unsigned one only idled out: renew it quietly.
    onExpired: () => (lastRequest?.jwt ? lifecycle.sessionExpired() : registerAgain(true)),
    onSessionLost: (code) => (code === 'session_ended' ? resetLocal(loadAutomatedUuid(), true) : registerAgain(false)),
  });
  // Asked at once, in parallel with mounting; then an anonymous session where the mode allows one,
  // unless an identity is already on its way.
  const server = askPolicy(api, (anonymous, serverTime) => {
    if (serverTime !== undefined && !chat.session) lifecycle.syncClock(serverTime);
    if (anonymous && !destroyed && !lastRequest && lifecycle.state.status === 'anonymous') void register({}, true);
  });

  /** Ends a session on the server, whatever the answer (it may be gone already). */
  function endSession(session: string): void {
    api.logout(session).catch(() => {});
  }

  /** The server forgot (or idled out) the session: register the same identity again, not in a loop. */
  function registerAgain(keepSession: boolean): void {
    if (!keepSession) chat.session = undefined;
    if (!lastRequest || Date.now() - lostAt < 60_000) return;
    lostAt = Date.now();
    void register(lastRequest, !lastRequest.jwt && !lastRequest.identity);
  }
  const stopWake = onWake(() => {
    lifecycle.check();
    server.retry();
    // Only the visitor who is still current: never one from before a logout.
    if (unreached && unreached.generation === generation && !chat.session) void register(unreached.request, unreached.anonymous);
  });

  view.handlers = {
    open: () => messenger.open(),
    close: () => messenger.close(),
    send: (text) => chat.send(text),
    retry: (key) => chat.retry(key),
  };

  function fail(code: 'ERR_IDENTITY_INVALID' | 'ERR_JWT_MALFORMED', message: string): Promise<IdentityResult> {
    console.error(`chatq: ${message}`);
    events.emit('identity_rejected', { code, message });
    return Promise.resolve({ ok: false, code, message });
  }

  /** In require mode the server gives no session to an anonymous or unsigned visitor: no launcher (SPEC §5). */
  function visible(): boolean {
    return !!chat.session && !!identity;
  }

  function refreshVisibility(): void {
    const show = visible();
    view.showLauncher(show);
    if (view.embedded) {
      if (show && !view.isOpen) {
        view.open(false);
        events.emit('chat_shown', {});
      } else if (!show) view.close();
    } else if (!show && view.isOpen) view.close();
  }

  function lifecycleChanged(next: LifecycleState, previous: LifecycleState): void {
    if (next.status === previous.status) return;
    if (next.status === 'expiring') events.emit('identity_expiring', { expiresAt: next.expiresAt! });
    if (next.status === 'expired') {
      chat.stopStream();
      view.showNotice('session-expired', strings.t('expired'), { label: strings.t('refresh'), run: () => location.reload() });
      view.blockSending('expired', true);
      events.emit('session_expired', { ...(next.expiresAt !== undefined && { expiresAt: next.expiresAt }) });
    } else if (previous.status === 'expired') {
      view.hideNotice('session-expired');
      view.blockSending('expired', false);
    }
  }

  /** Registers an identity (or none, `anonymous`); registrations run one at a time, in order. */
  function register(request: RegisterRequest, anonymous = false, sameVisitor = true): Promise<IdentityResult> {
    // Read now, not when its turn comes: a logout queued behind it must win.
    const expected = generation;
    registering++;
    const run = async (): Promise<IdentityResult> => {
      const superseded = { ok: false, code: 'ERR_SESSION_INVALID', message: 'superseded' } as const;
      if (expected !== generation || destroyed) return superseded;
      const previousSession = chat.session;
      unreached = undefined;
      if (!anonymous) lifecycle.submit();
      try {
        const answer = await api.register({ ...request, automatedUuid }, sameVisitor ? previousSession : undefined);
        if (expected !== generation || destroyed) {
          // The server made a session nobody will use: end it (not one still shown).
          if (answer.session !== chat.session) endSession(answer.session);
          return superseded;
        }
        // From anonymous to signed in: the anonymous session is no longer needed.
        if (previousSession && !sameVisitor && previousSession !== answer.session) endSession(previousSession);
        server.policy = answer.policy ?? server.policy;
        identity = answer.identity;
        lastRequest = request;
        if (anonymous) anonymousAllowed = true;
        chat.attach(answer.session, answer.conversationId);
        const name = identity.fields.screenname ?? identity.fields.firstname;
        view.setGreeting(name);
        if (anonymous) lifecycle.syncClock(answer.serverTime);
        else {
          lifecycle.verified(answer.expiresAt, answer.serverTime);
          events.emit('identity_verified', {
            identity,
            ...(answer.expiresAt !== undefined && { expiresAt: answer.expiresAt }),
          });
        }
        refreshVisibility();
        // Other tabs showing another visitor reset (SPEC §5: a user switch applies to all tabs).
        if (!anonymous && claimedUuid !== undefined) tabs.post({ type: 'switch', automatedUuid, uuid: claimedUuid });
        return { ok: true, identity };
      } catch (error) {
        if (expected !== generation || destroyed) return superseded;
        const { code, message } = error instanceof ApiError ? error : new ApiError(0, 'ERR_NETWORK', String(error));
        const status = error instanceof ApiError ? error.status : 0;
        if (status === 0 || status >= 500) unreached = { request, anonymous, generation };
        if (!anonymous) {
          console.error(`chatq: the server refused the identity (${code}): ${message}`);
          lifecycle.rejected(code);
          events.emit('identity_rejected', { code, message });
        }
        return { ok: false, code, message };
      }
    };
    const result = registrations.then(run, run).finally(() => registering--);
    registrations = result;
    return result;
  }

  /** Logout or user switch, in this tab: forget everything shown and stored, keep the widget. */
  function resetLocal(nextAutomatedUuid: string, reprobe: boolean): void {
    generation++;
    automatedUuid = saveAutomatedUuid(nextAutomatedUuid);
    identity = undefined;
    claimedUuid = undefined;
    lastRequest = undefined;
    unreached = undefined;
    chat.detach();
    view.draft = '';
    // The rate-limit and offline notices go with chat.detach().
    view.hideNotice('session-expired');
    view.blockSending('expired', false);
    view.setGreeting(undefined);
    lifecycle.reset();
    refreshVisibility();
    // An anonymous registration: in reject/accept mode it starts the chat again.
    if (reprobe && (anonymousAllowed || (server.policy && server.policy.mode !== 'require'))) void register({}, true);
  }

  /** Warns, once the policy is known, when the server will refuse this JWT (in integrator words, never the token). */
  function judge(jwt: string): void {
    const { problems } = inspectToken(jwt, server.policy, lifecycle.serverNow());
    if (problems.length) console.warn(`chatq: the server will refuse this JWT: ${problems.join(' ')}`);
  }

  /** Ends the current visitor's session on the server and in every tab. */
  function endVisitor(kind: 'logout' | 'switch', uuid = ''): void {
    const session = chat.session;
    resetLocal(randomId(), kind === 'logout');
    if (session) endSession(session);
    tabs.post(kind === 'logout' ? { type: 'logout', automatedUuid } : { type: 'switch', automatedUuid, uuid });
  }

  function onTabMessage(message: TabMessage): void {
    if (message.type === 'message') {
      if (message.conversationId === chat.conversationId) chat.receive(message.message, true);
    } else if (
      AUTOMATED_UUID_PATTERN.test(message.automatedUuid) &&
      // A registration on its way counts: it must not sign the previous visitor in after.
      (identity || chat.session || registering) &&
      (message.type === 'logout' || message.uuid !== claimedUuid)
    ) {
      // This tab's own session ends too: the server may keep one per tab.
      if (chat.session) endSession(chat.session);
      resetLocal(message.automatedUuid, true);
    }
  }

  /** A JWT string or unsigned data; a uuid other than the current visitor's is a user switch (SPEC §5). */
  function setIdentity(input: unknown): Promise<IdentityResult> {
    const read = readIdentityInput(input);
    if ('code' in read) return fail(read.code, read.message);
    const { request, uuid } = read;
    const { jwt } = request;
    if (jwt) server.whenKnown(() => judge(jwt));
    if (claimedUuid !== undefined && uuid !== undefined && uuid !== claimedUuid) endVisitor('switch', uuid);
    // Data without a uuid keeps the current visitor (an automated uuid if none was claimed).
    const sameVisitor = uuid === undefined ? claimedUuid === undefined : uuid === claimedUuid;
    if (uuid !== undefined) claimedUuid = uuid;
    return register(request, false, sameVisitor);
  }

  function mount(): void {
    if (destroyed) return;
    mountElement(view, config);
    mounted = true;
    refreshVisibility();
  }

  const messenger: Messenger = {
    setIdentity,
    setSignedIdentity(jwt) {
      if (typeof jwt !== 'string') return fail('ERR_JWT_MALFORMED', 'setSignedIdentity takes a JWT string.');
      return setIdentity(jwt);
    },
    clearIdentity: () => endVisitor('logout'),
    on: (name, fn) => events.on(name, fn),
    open() {
      if (!visible() || view.isOpen) return;
      view.open();
      chat.seen();
      events.emit('chat_shown', {});
    },
    close() {
      if (!view.isOpen || view.embedded) return;
      view.close();
      events.emit('chat_closed', {});
    },
    addMessage({ body, agent }) {
      chat.addLocal(String(body), !!agent);
    },
    pageChange: () => chat.pageChange(),
    addTranslations(translations) {
      strings.add(translations);
      view.refreshText();
    },
    setConfiguration(configuration) {
      Object.assign(config, configuration);
      if (configuration.locale) strings.locale = configuration.locale.toLowerCase();
      const renewBefore = seconds(configuration.renewBefore);
      if (renewBefore !== undefined) lifecycle.setRenewBefore(renewBefore);
      view.refreshText();
      if (mounted) mount();
    },
    destroy() {
      destroyed = true;
      generation++;
      lifecycle.dispose();
      chat.detach();
      tabs.close();
      stopWake();
      events.clear();
      view.remove();
    },
  };

  // Mount after the caller's synchronous setup (the script tag drains its queue first).
  queueMicrotask(() => {
    if (destroyed) return;
    mount();
    events.emit('started', {});
  });
  return messenger;
}
