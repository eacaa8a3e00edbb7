import { validSeconds } from './support/timers.js';
import type { Messenger, MessengerConfiguration, MessengerEventName } from './types.js';

/** Every event name, to check `_onEvent` (SPEC §5). */
export const EVENT_NAMES: readonly MessengerEventName[] = [
  'started',
  'chat_shown',
  'chat_closed',
  'chat_engaged',
  'message_sent',
  'message_received',
  'identity_verified',
  'identity_rejected',
  'identity_expiring',
  'session_expired',
];

const CONFIGURATION_TYPES: Record<keyof MessengerConfiguration, string> = {
  embedded: 'boolean',
  parentNodeId: 'string',
  locale: 'string',
  renewBefore: 'number',
  title: 'string',
  // SPEC §10 "Looks and placement": a value the styles do not know changes nothing.
  position: 'string',
  theme: 'string',
  preview: 'boolean',
  titleAlert: 'boolean',
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Returns what is wrong with an argument, or undefined; then runs the command. `late`: pushed after load. */
type Handler = (messenger: Messenger, args: unknown[], late?: boolean) => string | undefined;

const COMMANDS: Record<string, Handler> = {
  _setIdentity(m, [data]) {
    if (!isObject(data) && typeof data !== 'string') return 'takes an object';
    void m.setIdentity(data);
  },
  _setSignedIdentity(m, [jwt]) {
    if (typeof jwt !== 'string') return 'takes the JWT string';
    void m.setSignedIdentity(jwt);
  },
  _onEvent(m, [name, fn]) {
    if (!EVENT_NAMES.includes(name as MessengerEventName)) return `takes an event name, one of ${EVENT_NAMES.join(', ')}`;
    if (typeof fn !== 'function') return 'takes a function';
    m.on(name as MessengerEventName, fn as () => void);
  },
  _addMessage(m, [message]) {
    if (!isObject(message) || typeof message.body !== 'string' || (message.agent !== undefined && typeof message.agent !== 'boolean')) {
      return 'takes { body: "text", agent?: boolean }';
    }
    m.addMessage({ body: message.body, agent: message.agent === true });
  },
  _pageChange(m) {
    m.pageChange();
  },
  _clearIdentity(m) {
    m.clearIdentity();
  },
  _setConfiguration(m, [configuration], late) {
    if (!isObject(configuration)) return 'takes an object';
    const { server, ...options } = configuration;
    // `server` was read before the widget started (base.ts): a copy of loader.js served by the host site.
    if (server !== undefined && (late || typeof server !== 'string')) return '"server" is a URL, set before loader.js loads';
    for (const [key, value] of Object.entries(options)) {
      // Own keys only: `constructor` and the like are not options.
      const expected = Object.hasOwn(CONFIGURATION_TYPES, key) && CONFIGURATION_TYPES[key as keyof MessengerConfiguration];
      if (!expected) return `does not know "${key}"; use ${Object.keys(CONFIGURATION_TYPES).join(', ')}`;
      if (typeof value !== expected || (expected === 'number' && !validSeconds(value))) {
        return `"${key}" must be a ${expected === 'number' ? 'number of seconds ≥ 0' : expected}`;
      }
    }
    m.setConfiguration(options);
  },
  _addTranslations(m, [translations]) {
    if (!isObject(translations) || !Object.values(translations).every(isObject)) {
      return 'takes { en: { key: "text" } }';
    }
    m.addTranslations(translations as Record<string, Record<string, string>>);
  },
};

/**
 * Runs one `_chatq` command. Never throws into the host page: an unknown
 * command or a bad argument logs one console error saying what to fix (SPEC §5).
 */
export function runCommand(messenger: Messenger, command: unknown, late?: boolean): void {
  try {
    if (!Array.isArray(command) || typeof command[0] !== 'string') {
      console.error('chatq: _chatq.push takes an array: [command, ...arguments].');
      return;
    }
    const [name, ...args] = command as [string, ...unknown[]];
    const handler = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!handler) {
      console.error(`chatq: unknown command "${name}"; known commands: ${Object.keys(COMMANDS).join(', ')}.`);
      return;
    }
    const problem = handler(messenger, args, late);
    if (problem) console.error(`chatq: ${name} ${problem}.`);
  } catch (error) {
    console.error('chatq: a command failed', error);
  }
}

/** The object that replaces the `_chatq` array once loaded: `push` runs commands at once. */
export interface CommandQueue {
  push(...commands: unknown[]): number;
}

/**
 * Drains the commands queued before load, in order (including any pushed
 * while draining), then makes `push` immediate, on the returned queue and on
 * the drained array alike.
 */
export function drainQueue(messenger: Messenger, queued: unknown[] = []): CommandQueue {
  for (let i = 0; i < queued.length; i++) runCommand(messenger, queued[i]);
  const live: CommandQueue = {
    push(...commands) {
      for (const command of commands) runCommand(messenger, command, true);
      return 0;
    },
  };
  // A page that kept the array (`const q = window._chatq ??= []`) and pushes
  // after load reaches the widget too, never a dead array.
  queued.push = live.push;
  return live;
}
