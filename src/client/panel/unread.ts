import { h } from '../ui/dom.js';
import type { MessageView, PanelHost } from '../ui/panel-contract.js';
import { capName, type Translate } from './strings.js';

/** The longest body a preview card or an announcement quotes (characters). */
const PREVIEW = 140;
/** The count prefix `titleAlert` puts before the page's own title. */
const PREFIX = /^\(\d+\) /;

/** `document.title` through the prototype: an `<img name="title">` in the page cannot stand in for it (support/document.ts). */
const title = {
  get: (): string => Reflect.get(Document.prototype, 'title', document) as string,
  set: (text: string): unknown => Reflect.set(Document.prototype, 'title', text, document),
};

/**
 * Unread while closed (SPEC §10 "Unread"): a short preview card beside the launcher (part
 * `preview`, opening the chat; `preview: false` turns it off), an announcement for screen
 * readers, and with `titleAlert` the count before the tab's title. All go once the chat is open.
 */
export function unreadView(host: PanelHost, root: ShadowRoot, t: Translate, open: () => void) {
  let latest: MessageView | undefined;
  let alerted = false;
  const who = h('strong', { part: 'agent' });
  const text = h('span', { dir: 'auto' });
  const show = h('button', { type: 'button', class: 'show' }, who, text);
  const dismiss = h('button', { type: 'button', class: 'dismiss' }, '\u00D7');
  const card = h('div', { part: 'preview', hidden: '' }, show, dismiss);
  // A live region present before anything is put in it, so the announcement is read out.
  const say = h('p', { class: 'sr', 'aria-live': 'polite' });
  root.append(card, say);
  show.onclick = open;
  dismiss.onclick = () => {
    card.hidden = true;
  };

  const quote = (body: string): string => ([...body].length > PREVIEW ? `${[...body].slice(0, PREVIEW - 1).join('')}…` : body);
  const author = (): string => capName(latest?.agent?.name || '') || t('agent');

  return {
    card,
    /** Notes a message shown: the newest from an agent is what the card previews. */
    entry(entry: MessageView): void {
      if (entry.author === 'agent') latest = entry;
    },
    set(count: number): void {
      dismiss.setAttribute('aria-label', t('dismiss'));
      if (host.getAttribute('titlealert') === 'true' && count) {
        title.set(`(${count}) ${title.get().replace(PREFIX, '')}`);
        alerted = true;
      } else if (alerted) {
        title.set(title.get().replace(PREFIX, ''));
        alerted = false;
      }
      if (!count || !latest || host.open) {
        card.hidden = true;
        say.textContent = '';
        return;
      }
      who.textContent = author();
      text.textContent = quote(latest.body);
      card.hidden = host.getAttribute('preview') === 'false';
      // After the region is in the document (the panel may have just loaded for this message).
      const words = t('newMessage', { name: author(), body: quote(latest.body) });
      setTimeout(() => (say.textContent = words), 100);
    },
  };
}
