/**
 * `chatq`, the browser ESM entry (SPEC §5, §7): `createMessenger` and its
 * types. The script tag's entry is `loader.ts`; this build imports the panel
 * statically, where loader.js fetches `panel.js` (SPEC §10).
 */
import { createShown } from './conversation/shown.js';
import { createMessenger as create } from './messenger.js';
import { createPanelWithNotices as createPanel } from './panel/notices.js';
import { defineMessengerElement as define } from './ui/define.js';
import { panels } from './ui/panel-source.js';
import { validSeconds } from './support/timers.js';
import { renewWith } from './session/renewal.js';
import type { Messenger, MessengerOptions } from './types.js';
import type { IdentityData } from '../identity/index.js';

export { TAG_NAME } from './ui/define.js';

/**
 * `renewBefore` as given, or without it (a console error says why: the current value stays).
 * The script tag's `_setConfiguration` is checked by the queue (queue.ts); this is the ESM
 * caller's check, kept out of loader.js.
 */
function checked<T extends { renewBefore?: number }>(options: T): T {
  const { renewBefore, ...rest } = options;
  if (renewBefore === undefined || validSeconds(renewBefore)) return options;
  console.error('chatq: renewBefore must be a number of seconds.');
  return rest as T;
}

/** What `setIdentity` takes (SPEC §5): a JWT string or an object of unsigned data. */
const isData = (input: unknown): input is string | IdentityData =>
  typeof input === 'string' || (typeof input === 'object' && input !== null && !Array.isArray(input));

/**
 * Creates the chat widget (SPEC §5); the ESM build carries its panel (loader.js fetches panel.js
 * instead, SPEC §10). What only an ESM caller can ask for is added here, out of loader.js:
 * `getToken`, `destroy()`, and the checks the script tag's queue (queue.ts) makes for it.
 */
export function createMessenger(options: MessengerOptions): Messenger {
  panels.bundled = createPanel;
  panels.outbox = createShown;
  return create({ ...checked(options), server: String(options.server).replace(/\/+$/, '') }, (parts, messenger) => {
    const { epoch, visitor, clock } = parts;
    const { getToken } = options;
    if (getToken) {
      renewWith(clock, async () => {
        const current = epoch.ticket();
        const jwt = await getToken();
        // A logout while getToken ran: never sign the previous visitor back in.
        return !current() || (await messenger.setIdentity(jwt)).ok;
      });
    }
    const { setConfiguration, setIdentity } = messenger;
    messenger.setIdentity = (input) =>
      isData(input) ? setIdentity(input) : visitor.fail('ERR_IDENTITY_INVALID', 'setIdentity takes a JWT or an object.');
    messenger.setConfiguration = (configuration) => setConfiguration(checked(configuration));
    messenger.setSignedIdentity = (jwt) =>
      typeof jwt === 'string' ? visitor.set(jwt) : visitor.fail('ERR_JWT_MALFORMED', 'setSignedIdentity takes a JWT.');
    messenger.destroy = () => {
      parts.outage.stop();
      // Every registration on its way is dropped, then the machine ends for good (session/machine.ts).
      epoch.supersede();
      visitor.fire('end');
      clock.dispose();
      parts.chat.detach();
      parts.tabs.close();
      parts.stopWake();
      parts.events.clear();
      parts.view.remove();
    };
  });
}

/** Registers `<chatq-messenger>` once, with the bundled panel. */
export function defineMessengerElement(): void {
  panels.bundled = createPanel;
  panels.outbox = createShown;
  define();
}
export { ChatqMessengerElement } from './ui/element.js';
export type { MessageView, MessengerElementEvents, NoticeKind } from './ui/element.js';
export type { IdentityStatus, LifecycleState } from './session/lifecycle.js';
export type {
  IdentityResult,
  Messenger,
  MessengerConfiguration,
  MessengerErrorCode,
  MessengerEventName,
  MessengerEvents,
  MessengerMessage,
  MessengerOptions,
  Translations,
} from './types.js';
export type { ErrorCode, IdentityData, PublicIdentity } from '../identity/index.js';
