import type { NoticeKey } from '../support/i18n.js';
import type { PanelFactory } from '../ui/panel-contract.js';
import { createPanel } from './panel.js';

/**
 * The texts of the notices the loader raises (session expired, reconnecting): shown only in
 * the panel, so they come with it (SPEC §10 "Two scripts"). The element adds them beneath the
 * host's translations and reads them when the panel shows a notice (ui/element.ts
 * `showNotice` takes a function for that): the messenger may have replaced the element's
 * `strings` after a bundled panel was made.
 */
const NOTICE_STRINGS: Record<'en' | 'fr', Record<NoticeKey, string>> = {
  en: {
    expired: 'Your session has expired. Please refresh the page to continue the conversation.',
    refresh: 'Refresh',
    offline: 'Connection lost. Reconnecting…',
  },
  fr: {
    expired: 'Votre session a expiré. Veuillez rafraîchir la page pour continuer la conversation.',
    refresh: 'Rafraîchir',
    offline: 'Connexion perdue. Reconnexion…',
  },
};

/** The panel, carrying the notices' texts (`PanelView.texts`). */
export const createPanelWithNotices: PanelFactory = (host, root, tell) => {
  const panel = createPanel(host, root, tell);
  panel.texts = NOTICE_STRINGS;
  return panel;
};
