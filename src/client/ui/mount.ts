import { fromDocument } from '../support/document.js';
import type { MessengerConfiguration } from '../types.js';

/**
 * Puts the element where the configuration says: into `container` or the
 * `parentNodeId` element (embedded), else floating on `document.body`, with the look the
 * configuration chose (`position`, `theme`) and the unread options as attributes. Waits
 * for the document when the script runs before `<body>` (or the parent) exists.
 */
export function mountElement(view: HTMLElement, config: MessengerConfiguration & { container?: HTMLElement }): void {
  // SPEC §10: the styles select on `position` and `theme`, the panel reads `preview` and `titlealert`.
  for (const name of ['position', 'theme', 'preview', 'titleAlert'] as const) if (config[name] !== undefined) view.setAttribute(name, String(config[name]));
  const later = (): void => fromDocument('addEventListener')('DOMContentLoaded', place, { once: true });
  const place = (): void => {
    let parent: HTMLElement | null | undefined = config.container;
    if (!parent && config.embedded && config.parentNodeId) {
      parent = fromDocument('getElementById')(config.parentNodeId);
      if (!parent) {
        if (fromDocument('readyState') === 'loading') return later();
        console.error(`chatq: no #${config.parentNodeId}`);
      }
    }
    view.toggleAttribute('embedded', !!parent);
    parent ??= fromDocument('body');
    if (!parent) return later();
    if (view.parentNode !== parent) parent.append(view);
  };
  place();
}
