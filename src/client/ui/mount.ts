import type { MessengerConfiguration } from '../types.js';

/**
 * Puts the element where the configuration says: into `container` or the
 * `parentNodeId` element (embedded), else floating on `document.body`. Waits
 * for the document when the script runs before `<body>` (or the parent) exists.
 */
export function mountElement(view: HTMLElement, config: MessengerConfiguration & { container?: HTMLElement }): void {
  const place = (): void => {
    let parent: HTMLElement | null | undefined = config.container;
    if (!parent && config.embedded && config.parentNodeId) {
      parent = document.getElementById(config.parentNodeId);
      if (!parent) {
        if (document.readyState === 'loading') return void document.addEventListener('DOMContentLoaded', place, { once: true });
        console.error(`chatq: no #${config.parentNodeId}`);
      }
    }
    view.toggleAttribute('embedded', !!parent);
    parent ??= document.body;
    if (!parent) return void document.addEventListener('DOMContentLoaded', place, { once: true });
    if (view.parentNode !== parent) parent.append(view);
  };
  place();
}
