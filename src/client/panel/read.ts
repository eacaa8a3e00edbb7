import { VISITOR_PATHS } from '../../identity/wire.js';
import { fromDocument } from '../support/document.js';
import { h } from '../ui/dom.js';
import type { MessageView, PanelHost } from '../ui/panel-contract.js';
import type { Translate } from './strings.js';

/**
 * Read, both ways (SPEC §10 "Typing and read"): while the panel is shown on a visible tab,
 * the newest agent message on screen is reported once (`POST v1/read { seq }`); when the
 * agents have read up to the visitor's last message, "Seen" shows under it.
 */
export function readReceipts(host: PanelHost, t: Translate, list: HTMLElement) {
  /** The newest agent message shown, and the newest reported. */
  let newest = 0;
  let told = 0;
  /** How far the agents have read. */
  let agentsRead = 0;
  const seen = h('span', { class: 'seen' });

  return {
    /** Notes a message rendered into `node`. */
    entry(entry: MessageView, node: HTMLElement): void {
      if (entry.seq === undefined) return node.removeAttribute('data-seq');
      node.dataset.seq = String(entry.seq);
      if (entry.author === 'agent' && entry.seq > newest) newest = entry.seq;
    },
    /** The visitor can see the messages now (`visible`): report what they saw. */
    report(visible: boolean): void {
      if (!visible || newest <= told || !host.post || fromDocument('visibilityState') !== 'visible') return;
      told = newest;
      // Lost on the way: the next look reports again.
      host.post(VISITOR_PATHS.read, { seq: told }).catch(() => (told = 0));
    },
    /** The agents' read position (the stream's `read` event). */
    agents(seq: number): void {
      if (seq > agentsRead) agentsRead = seq;
    },
    /** "Seen" under the visitor's last message, when the agents have read it. */
    place(): void {
      const mine = list.querySelectorAll<HTMLElement>('[part~=message][data-author=visitor]');
      const last = mine[mine.length - 1];
      const seq = Number(last?.dataset.seq);
      seen.textContent = t('seen');
      if (last && seq <= agentsRead) last.append(seen);
      else seen.remove();
    },
  };
}
