import type { Translations } from '../types.js';
import { fromDocument } from './document.js';

/** The strings loader.js shows itself (SPEC §5); the panel's are in panel/strings.ts, added when it loads. */
const BUILT_IN: Translations = {
  en: {
    open: 'Open chat',
    unread: '{count} unread',
    loadFailed: 'The chat could not load. Retrying…',
  },
  fr: {
    open: 'Ouvrir le chat',
    unread: '{count} non lu(s)',
    loadFailed: 'Le chat n’a pas pu se charger. Nouvel essai…',
  },
};

/** The keys of the panel's texts, which panel.js adds when it loads (panel/strings.ts). */
export type PanelKey =
  | 'title' | 'greeting' | 'close' | 'conversation' | 'input' | 'placeholder' | 'send' | 'you' | 'agent' | 'system' | 'sending' | 'failed' | 'retry'
  | 'online' | 'away' | 'awayAsk' | 'emailLabel' | 'emailSave' | 'emailKept' | 'emailInvalid' | 'emailFailed'
  | 'typing' | 'typingSomeone' | 'seen' | 'newMessage' | 'dismiss';

/** Texts the sending half brings with it (conversation/outbox.ts). */
export type OutboxKey = 'rate';

/** The notices' texts, which panel.js brings too (panel/notices.ts). */
export type NoticeKey = 'expired' | 'refresh' | 'offline';

/** The composer counter's texts, which panel.js brings too (panel/counter.ts). */
export type CounterKey = 'counter' | 'counterNear' | 'counterAt' | 'counterOver';

export type TranslationKey = keyof (typeof BUILT_IN)['en'] | PanelKey | OutboxKey | NoticeKey | CounterKey;

/** Looks strings up in the chosen locale, then English; host overrides win. */
export class Strings {
  /**
   * Null-prototype tables: a host's `{"__proto__": …}` or `constructor` key is an
   * own entry like any other, never Object.prototype's (no key needs refusing).
   */
  readonly #table = { __proto__: null } as unknown as Translations;
  declare locale: string;

  constructor(locale?: string) {
    this.add(BUILT_IN);
    this.locale = pickLocale(locale);
  }

  /** Adds texts; `under`: only where the host gave none (built-in texts that come later, the panel's). */
  add(translations: Translations, under?: boolean): void {
    for (const [lang, dict] of Object.entries(translations)) {
      const target = (this.#table[lang.toLowerCase()] ??= { __proto__: null } as unknown as Record<string, string>);
      for (const [name, text] of Object.entries(dict)) if (typeof text === 'string' && !(under && name in target)) target[name] = text;
    }
  }

  /** The text for `key`, with `{param}` placeholders filled (the result is set as text, never HTML). */
  t(key: TranslationKey, params?: Record<string, string | number>): string {
    const lang = this.locale;
    // English is always there: the constructor adds BUILT_IN.
    const text = this.#table[lang]?.[key] ?? this.#table[lang.split('-')[0]!]?.[key] ?? this.#table.en![key] ?? key;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => String(params?.[name] ?? whole));
  }
}

/** The locale given, else the page's `lang`, else the browser's language (Strings is only made in a browser). */
function pickLocale(locale?: string): string {
  return (locale || fromDocument('documentElement').lang || navigator.language || 'en').toLowerCase();
}

/** The notices the widget shows (SPEC §5, §10). */
export type NoticeKind = 'session-expired' | 'rate-limited' | 'offline';

/** A text, or a function that reads it when it is shown (a notice's text comes with panel.js: panel/notices.ts). */
export type Text = string | (() => string);
