import { Api } from './transport/api.js';
import { createChat, type ChatDeps, type ShownFactory } from './conversation/chat.js';
import { panels } from './ui/panel-source.js';
import { Emitter } from './support/events.js';
import { Strings } from './support/i18n.js';
import { createClock } from './session/lifecycle.js';
import { mountElement } from './ui/mount.js';
import { askPolicy } from './session/policy.js';
import { createSupersession } from './session/supersession.js';
import { createSession, type SessionChange, type SessionDeps, type SessionMachine } from './session/machine.js';
import { createTabSync } from './support/tabs.js';
import type { Messenger, MessengerConfiguration, MessengerEvents, MessengerOptions } from './types.js';
import { defineMessengerElement, TAG_NAME } from './ui/define.js';
import type { ChatqMessengerElement } from './ui/element.js';
import { onWake } from './support/wake.js';
import { createRetry, type Retry } from './support/retry.js';
import { fromDocument } from './support/document.js';

/**
 * The widget's parts, lent to each other (the chat, the session machine, the outbox read them
 * when used, so the parts made later are there by then) and to the ESM entry (index.ts), which
 * adds what only an ESM caller can ask for: `getToken`, `destroy()`, argument checks.
 */
export type MessengerParts = ChatDeps & Required<SessionDeps> & { view: ChatqMessengerElement; visitor: SessionMachine; outage: Retry; stopWake(): void };

/**
 * Creates the chat widget (SPEC §5) by wiring its parts: the visitor's session
 * (`SessionMachine`, session/machine.ts) with the token's clock (`TokenClock`),
 * the conversation (`Chat`, whose shown half comes with the panel) and the
 * `<chatq-messenger>` element. One `Supersession` token is shared: a logout or
 * user switch drops all in flight.
 */
export function createMessenger(options: MessengerOptions, extend?: (parts: MessengerParts, messenger: Messenger) => void): Messenger {
  // Without a trailing slash: base.ts strips it for the script tag, index.ts for the ESM caller.
  const api = new Api(options.server);
  const events = new Emitter<MessengerEvents>();
  const strings = new Strings(options.locale);
  const epoch = createSupersession();
  // A container wins over `embedded` and `parentNodeId` (ui/mount.ts).
  const config: MessengerConfiguration & { container?: HTMLElement | undefined } = { container: options.container };
  defineMessengerElement();
  const view = fromDocument('createElement')(TAG_NAME) as ChatqMessengerElement;
  view.strings = strings;
  view.refreshText();
  // The one place that knows both the element and the conversation: the visitor's actions come in as events.
  view.addEventListener('chatq-toggle', (event) => {
    event.preventDefault();
    if (event.detail.open) messenger.open();
    else messenger.close();
  });
  // Sending (`chatq-send`, `chatq-retry`) and the panel's own calls come with the panel (conversation/shown.ts).
  let mounted = false;

  const deps = { api, events, strings, view, epoch, changed: sessionChanged } as unknown as MessengerParts;
  const tabs = (deps.tabs = createTabSync(api.base, (message) => {
    if (message.type !== 'message') visitor.fromTab(message);
    else if (message.conversationId === chat.conversationId) chat.show(message.message);
  }));
  const clock = (deps.clock = createClock({
    renewBefore: options.renewBefore ?? 300,
    onChange(status, expiresAt) {
      if (status === 'expiring') events.emit('identity_expiring', { expiresAt: expiresAt! });
      else visitor.fire('expire');
    },
  }));
  const chat = (deps.chat = createChat(deps));
  // A server unreachable when the page loaded (or later) is asked again on its own, ever less often (SPEC §10 "Outages").
  const outage = (deps.outage = createRetry(() => {
    rules.retry();
    visitor.wake();
  }));

  // Asked at once, in parallel with mounting; then an anonymous session where the mode allows one.
  const rules = (deps.rules = askPolicy(api, (anonymous, answer) => {
    if (answer && !visitor.session) clock.syncClock(answer.serverTime);
    // For the composer's counter (SPEC §10 "Nothing typed is lost"): the panel reads the message limit.
    view.policy = answer;
    // An embedded panel is shown before the policy answers: redraw what it says (presence, SPEC §11).
    view.refreshText();
    if (anonymous) visitor.anonymous();
    // SPEC §13: a require-mode page that gave no signed identity shows nothing at all; say why, once (info: a logged-out visitor is no error).
    else if (rules.policy?.mode === 'require' && visitor.status === 'none') {
      console.info('chatq: require mode: no launcher until _setSignedIdentity (or setIdentity) gets a JWT.');
    }
  }, (deps.unreached = outage.later)));
  const visitor: SessionMachine = (deps.visitor = createSession(deps));
  // The ESM build carries the panel's half of the conversation; loader.js gets it with panel.js.
  const takeOver = (): void => chat.handOver(panels.outbox as ShownFactory);
  const script = panels.script;
  if (panels.outbox) takeOver();
  // Once the panel is made: its half renders through the view model the panel lends the element (panel/lend.ts).
  else if (script) panels.script = () => script().then((create) => (...args) => {
    const panel = create(...args);
    takeOver();
    return panel;
  });
  deps.stopWake = onWake(() => {
    clock.check();
    rules.retry();
    visitor.wake();
  });

  /**
   * In require mode the server gives no session to an anonymous or unsigned visitor: no launcher (SPEC §5).
   * An expired session keeps it: the panel shows the expired notice, and a fresh token carries on.
   */
  const visible = (): boolean => visitor.status === 'active' || visitor.status === 'expired';

  /** Opens the panel (a floating one takes the focus: the visitor asked for it). */
  function show(): void {
    view.open = true;
    chat.seen();
    events.emit('chat_shown', {});
  }

  function refreshVisibility(): void {
    const shown = visible();
    view.launcher = shown;
    if (shown && view.embedded && !view.open) show();
    else if (!shown && view.open) view.open = false;
  }

  function sessionChanged({ from, to, via }: SessionChange): void {
    if (via === 'registered' || via === 'reset') {
      // The greeting, the e-mail and a kept draft are the panel's to show (conversation/shown.ts).
      chat.feed('who', visitor.identity);
      refreshVisibility();
    }
    if (from === to) return;
    // The notice, its Refresh (which keeps the draft) and the blocked composer are the panel's (conversation/shown.ts).
    if (to === 'expired' || from === 'expired') chat.lapsed(to === 'expired');
    if (to === 'expired') {
      const { expiresAt } = clock;
      events.emit('session_expired', { ...(expiresAt !== undefined && { expiresAt }) });
    }
  }

  /** Puts the element in the page; false once destroyed. */
  function mount(): boolean {
    if (visitor.status === 'ended') return false;
    mountElement(view, config);
    // Counted in the page, not in this bundle: an ESM messenger next to the script tag's is a second launcher too.
    if (!mounted && fromDocument('querySelectorAll')(TAG_NAME).length > 1) {
      console.warn('chatq: a second widget on this page; reuse or destroy() the first.');
    }
    refreshVisibility();
    return (mounted = true);
  }

  // `destroy()` is the ESM entry's (index.ts): the script tag has no way to ask for it.
  const messenger = {
    setIdentity: (input) => visitor.set(input),
    // A string: the queue checked it, or index.ts for the ESM caller.
    setSignedIdentity: (jwt) => visitor.set(jwt),
    clearIdentity: () => visitor.end('logout'),
    on: (name, fn) => events.on(name, fn),
    open() {
      if (visible() && !view.open) show();
    },
    close() {
      if (!view.open || view.embedded) return;
      view.open = false;
      events.emit('chat_closed', {});
    },
    addMessage({ body, agent }) {
      chat.feed('local', String(body), agent ? 'agent' : 'system', clock.serverNow());
    },
    // Origin and path only: the query may hold a reset token (SPEC §6: no page URL beyond that).
    pageChange: () => chat.pageChange({ url: location.origin + location.pathname, title: fromDocument('title') }),
    addTranslations(translations) {
      strings.add(translations);
      view.refreshText();
    },
    setConfiguration(configuration) {
      Object.assign(config, configuration);
      // The element's lang attribute: its texts follow, and screen readers pronounce them in that language.
      if (configuration.locale) view.lang = configuration.locale;
      if (configuration.title !== undefined) view.heading = configuration.title;
      // Checked before it comes here: by the `_chatq` queue (queue.ts) or the ESM entry (index.ts).
      if (configuration.renewBefore !== undefined) clock.renewBefore = configuration.renewBefore;
      view.refreshText();
      if (mounted) mount();
    },
  } as Messenger;


  extend?.(deps, messenger);
  // Mount after the caller's synchronous setup (the script tag drains its queue first).
  queueMicrotask(() => mount() && events.emit('started', {}));
  return messenger;
}
