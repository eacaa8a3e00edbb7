/**
 * Lays the closed panel out once, invisibly, when the browser is next idle (SPEC §10: the click
 * to a usable panel). Most of a first open is its first layout, and most of that is looking up
 * fonts (one lookup per family, size and weight the panel shows; bench/panel-open.mjs): a panel
 * fetched ahead, after the page's `load`, pays it here rather than on the visitor's click. A panel
 * shown by then (made on the click, or embedded) was laid out already and is left alone.
 * Nothing is painted in between: the panel is hidden again in the same task.
 */
export function warmWhenIdle(panel: HTMLElement): void {
  (window.requestIdleCallback ?? setTimeout)(() => {
    if (!panel.hidden || !panel.isConnected) return;
    // The CSSOM, not a style attribute: a strict CSP allows it (as phone.ts does).
    panel.style.visibility = 'hidden';
    panel.hidden = false;
    void panel.offsetHeight;
    panel.hidden = true;
    panel.style.removeProperty('visibility');
  });
}
