/**
 * The panel's built-in texts (SPEC §5: every visible text from a translation key), added to
 * the messenger's `Strings` beneath what the host already gave with `_addTranslations`.
 */
import type { PanelKey } from '../support/i18n.js';

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
  },
};
