import { reloadKeeping, takeDraft } from '../support/draft.js';
import type { Shown, ShownFactory } from './chat.js';
import { Conversation } from './conversation.js';
import { createOutbox } from './outbox.js';

/**
 * The conversation as the panel shows it, carried by panel.js (SPEC §10 "Two scripts"):
 * loader.js keeps the raw feed (conversation/chat.ts) and hands it over once panel.js is in;
 * here it is ordered and deduplicated (`Conversation`), rendered, sent from (outbox.ts), the
 * visitor's greeting and e-mail are shown, and the draft is kept across the session-expired
 * notice's Refresh (support/draft.ts). The ESM
 * build carries it from the start. Imported only by the panel's entries.
 */
export const createShown: ShownFactory = (chat) => {
  const { view, strings } = chat.deps;
  const conversation = new Conversation();
  /** Who is shown: the draft a Refresh kept goes back to them only, taken once. */
  let uuid: string | undefined;
  let kept = takeDraft();
  const list = {
    get entries() {
      return conversation.entries;
    },
    show(message: Parameters<Conversation['upsert']>[0]) {
      const shown = conversation.upsert(message);
      view.renderEntry(shown.entry, shown.before);
      return shown;
    },
  };
  const shown: Shown = {
    ...createOutbox(chat, list),
    show: list.show,
    local(body, author, createdAt) {
      view.renderEntry(conversation.addLocal(body, author, createdAt));
    },
    clear(keep) {
      for (const entry of conversation.clear(keep)) view.removeEntry(entry.key);
      if (keep) return;
      view.draft = '';
      // A 429 was this visitor's: the next one starts unblocked.
      view.hideNotice('rate-limited');
      view.blockSending('rate', false);
    },
    lapsed(on) {
      if (on) {
        view.showNotice('session-expired', () => strings.t('expired'), {
          label: () => strings.t('refresh'),
          run() {
            // The draft survives the reload, for this visitor (SPEC §10 "Nothing typed is lost").
            reloadKeeping(uuid, view.draft);
          },
        });
      } else view.hideNotice('session-expired');
      view.blockSending('expired', on);
    },
    orphan: () => conversation.orphan(),
    busy: (on) => (view.busy = on),
    offline(on) {
      if (on) view.showNotice('offline', () => strings.t('offline'));
      else view.hideNotice('offline');
    },
    signal: (event) => view.signal?.(event),
    who(identity) {
      uuid = identity?.uuid;
      view.greeting = (identity && (identity.fields.screenname ?? identity.fields.firstname)) ?? '';
      // A signed identity's e-mail is used without asking (SPEC §10 "Nobody online").
      view.email = (identity?.signed && identity.fields.email) || '';
      if (uuid && kept) {
        if (uuid === kept[0] && !view.draft) view.draft = kept[1]!;
        kept = undefined;
      }
    },
  };
  // Sending comes with the panel (SPEC §10): the composer's events, and the panel's own calls, are answered here.
  view.addEventListener('chatq-send', (event) => {
    if (!shown.send(event.detail.text)) event.preventDefault();
  });
  view.addEventListener('chatq-retry', (event) => shown.retry(event.detail.key));
  view.post = (path, body) => (chat.session ? chat.deps.api.call('POST', path, chat.session, body) : Promise.reject());
  return shown;
};
