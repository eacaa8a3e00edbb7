import type { NoticeKey } from '../support/i18n.js';
import type { PanelFactory } from '../ui/panel-contract.js';
import { lendView } from './lend.js';
import { createPanel } from './panel.js';

/**
 * The texts of the notices the loader raises (session expired, reconnecting): shown only in
 * the panel, so they come with it (SPEC §10 "Two scripts"). Added beneath the host's
 * translations each time a notice is shown, before its text is read (the loader passes a
 * function for that, PANEL_API 3): the messenger may have replaced the element's `strings`
 * after a bundled panel was made.
 */
const NOTICE_STRINGS: Record<'en' | 'fr' | 'ar' | 'he', Record<NoticeKey, string>> = {
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
  ar: {
    expired: 'انتهت جلستك. يُرجى تحديث الصفحة لمتابعة المحادثة.',
    refresh: 'تحديث',
    offline: 'انقطع الاتصال. جارٍ إعادة الاتصال…',
  },
  he: {
    expired: 'תוקף החיבור פג. יש לרענן את הדף כדי להמשיך בשיחה.',
    refresh: 'רענון',
    offline: 'החיבור אבד. מתחברים מחדש…',
  },
};

/** The panel, carrying the notices' texts, with its view model lent to the element (panel/lend.ts). */
export const createPanelWithNotices: PanelFactory = (host, root, tell) => {
  const panel = createPanel(host, root, tell);
  const show = panel.showNotice;
  panel.showNotice = (kind, text, action) => {
    host.strings.add(NOTICE_STRINGS, true);
    show(kind, text, action);
  };
  lendView(host, panel);
  return panel;
};
