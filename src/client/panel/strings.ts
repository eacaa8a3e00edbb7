/**
 * The panel's built-in texts (SPEC §5: every visible text from a translation key), added to
 * the messenger's `Strings` beneath what the host already gave with `_addTranslations`.
 */
import type { PanelKey, TranslationKey } from '../support/i18n.js';

export type Translate = (key: TranslationKey, params?: Record<string, string | number>) => string;

/** The longest agent name shown (characters): a name is a label, not a message. */
const MAX_NAME = 60;

/** An agent's name as shown: text, at most MAX_NAME characters (whole code points). */
export const capName = (name: string): string => [...name].slice(0, MAX_NAME).join('');

/** Languages written right to left: the panel mirrors for them (SPEC §10 "Right-to-left"). */
export const isRtl = (locale: string): boolean => /^(ar|he|iw|fa|ur|yi|ps|ckb|dv|sd|ug)\b/.test(locale);

export const PANEL_STRINGS: Record<'en' | 'fr', Record<PanelKey, string>> = {
  en: {
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
    online: 'We are online',
    away: 'Nobody is online right now',
    awayAsk: 'Leave your e-mail and we will answer there too. It is optional.',
    emailLabel: 'Your e-mail (optional)',
    emailSave: 'Save',
    emailKept: 'We will also answer by e-mail to {email}.',
    emailInvalid: 'That does not look like an e-mail address. Check it and try again.',
    emailFailed: 'Your e-mail could not be saved. Try again in a moment.',
    typing: '{name} is typing…',
    typingSomeone: 'Someone is typing…',
    seen: 'Seen',
    newMessage: 'New message from {name}: {body}',
    dismiss: 'Hide this preview',
  },
  fr: {
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
    online: 'Nous sommes en ligne',
    away: 'Personne n’est en ligne pour le moment',
    awayAsk: 'Laissez votre e-mail et nous vous répondrons aussi par e-mail. C’est facultatif.',
    emailLabel: 'Votre e-mail (facultatif)',
    emailSave: 'Enregistrer',
    emailKept: 'Nous répondrons aussi par e-mail à {email}.',
    emailInvalid: 'Cette adresse e-mail semble incorrecte. Vérifiez-la et réessayez.',
    emailFailed: 'Votre e-mail n’a pas pu être enregistré. Réessayez dans un instant.',
    typing: '{name} écrit…',
    typingSomeone: 'Quelqu’un écrit…',
    seen: 'Vu',
    newMessage: 'Nouveau message de {name} : {body}',
    dismiss: 'Masquer cet aperçu',
  },
};
