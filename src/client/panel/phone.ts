import { fromDocument } from '../support/document.js';

/** Below this width the open floating panel covers the viewport (SPEC §10 "Phones"). */
const PHONE = '(max-width: 639.98px)';

/**
 * The phone behaviour of an open floating panel (SPEC §10 "Phones"), on while it is open on a
 * narrow screen: the page behind does not scroll (`overflow: hidden` on the root, set through
 * the CSSOM, which a strict CSP allows, and put back as it was), the panel's height follows
 * `visualViewport` so the on-screen keyboard never hides the composer, and Tab stays in the
 * panel (WCAG 2.4.11: nothing focused hides under it). The covering itself is CSS (panel/styles.ts).
 */
export function phoneMode(panel: HTMLElement, root: ShadowRoot): { start(): void; stop(): void } {
  let stop: (() => void) | undefined;
  const viewport = window.visualViewport;
  const fit = (): void => {
    if (viewport) panel.style.setProperty('--chatq-vh', `${viewport.height}px`);
  };
  /** Tab from the last control goes to the first, Shift+Tab from the first to the last. */
  const trap = (event: KeyboardEvent): void => {
    if (event.key !== 'Tab') return;
    const controls = [...panel.querySelectorAll<HTMLElement>('button:not([disabled]),textarea,a[href],[tabindex]')].filter((el) => el.offsetParent);
    const first = controls[0];
    const last = controls[controls.length - 1];
    const at = root.activeElement;
    if (event.shiftKey ? at === first || !panel.contains(at) : at === last) {
      event.preventDefault();
      (event.shiftKey ? last : first)?.focus();
    }
  };
  return {
    start() {
      if (stop || !matchMedia(PHONE).matches) return;
      const page = fromDocument('documentElement').style;
      const overflow = page.overflow;
      page.overflow = 'hidden';
      fit();
      viewport?.addEventListener('resize', fit);
      panel.addEventListener('keydown', trap);
      stop = () => {
        page.overflow = overflow;
        viewport?.removeEventListener('resize', fit);
        panel.removeEventListener('keydown', trap);
        panel.style.removeProperty('--chatq-vh');
      };
    },
    stop() {
      stop?.();
      stop = undefined;
    },
  };
}
