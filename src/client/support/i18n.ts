import type { Translations } from '../types.js';
import { fromDocument } from './document.js';

/** Every visible string of the widget, by key (SPEC §5). */
const BUILT_IN: Translations = {
  en: {
    open: 'Open chat',
    unread: '{count} unread',
    title: 'Chat',
    greeting: 'Hello {name}',
    close: 'Close chat',
    conversation: 'Conversation',
    input: 'Message',
    placeholder: 'Write a message…',
    send: 'Send',
    you: 'You',
    agent: 'Agent',
    system: 'Info',
    sending: 'Sending…',
    failed: 'Not sent.',
    retry: 'Retry',
    expired: 'Your session has expired. Please refresh the page to continue the conversation.',
    refresh: 'Refresh',
    rate: 'You are sending messages too fast. Please wait {seconds} seconds and try again.',
    offline: 'Connection lost. Reconnecting…',
  },
  fr: {
    open: 'Ouvrir le chat',
    unread: '{count} non lu(s)',
    title: 'Chat',
    greeting: 'Bonjour {name}',
    close: 'Fermer le chat',
    conversation: 'Conversation',
    input: 'Message',
    placeholder: 'Écrivez un message…',
    send: 'Envoyer',
    you: 'Vous',
    agent: 'Conseiller',
    system: 'Info',
    sending: 'Envoi…',
    failed: 'Non envoyé.',
    retry: 'Réessayer',
    expired: 'Votre session a expiré. Veuillez rafraîchir la page pour continuer la conversation.',
    refresh: 'Rafraîchir',
    rate: 'Vous envoyez des messages trop vite. Veuillez patienter {seconds} secondes puis réessayer.',
    offline: 'Connexion perdue. Reconnexion…',
  },
};

export type TranslationKey = keyof (typeof BUILT_IN)['en'];

/** Looks strings up in the chosen locale, then English; host overrides win. */
export class Strings {
  /**
   * Null-prototype tables: a host's `{"__proto__": …}` or `constructor` key is an
   * own entry like any other, never Object.prototype's (no key needs refusing).
   */
  readonly #table: Translations = Object.create(null);
  locale: string;

  constructor(locale?: string) {
    this.add(BUILT_IN);
    this.locale = pickLocale(locale);
  }

  add(translations: Translations): void {
    for (const [lang, dict] of Object.entries(translations)) {
      const target = (this.#table[lang.toLowerCase()] ??= Object.create(null) as Record<string, string>);
      for (const [name, text] of Object.entries(dict)) if (typeof text === 'string') target[name] = text;
    }
  }

  /** The text for `key`, with `{param}` placeholders filled (the result is set as text, never HTML). */
  t(key: TranslationKey, params: Record<string, string | number> = {}): string {
    const lang = this.locale;
    const text = this.#table[lang]?.[key] ?? this.#table[lang.split('-')[0]!]?.[key] ?? BUILT_IN.en![key]!;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  }
}

function pickLocale(locale?: string): string {
  const page = typeof document === 'undefined' ? '' : fromDocument('documentElement').lang;
  const nav = typeof navigator === 'undefined' ? '' : navigator.language;
  return (locale || page || nav || 'en').toLowerCase();
}
