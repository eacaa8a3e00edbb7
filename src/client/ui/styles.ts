import { h } from './dom.js';

/**
 * The widget's CSS, adopted as a constructable stylesheet: it works under a
 * strict Content-Security-Policy (no inline `<style>`, no `style=""`), and
 * the shadow root keeps it from leaking in or out.
 *
 * `:host { all: initial }` stops inherited host styles (fonts, colours, line
 * heights); the text properties a shop theme forces on every element with
 * `!important` (`* { font-size: 13px !important }`, SPEC §5) are also set
 * `!important` in `:host`, which the host's rules cannot beat (below); pages
 * restyle the widget's text through `::part()`. `display … !important` in `:host` beats even a host page's
 * `*:empty { display: none !important }`: for important declarations the
 * shadow tree's context wins over the outer document's (CSS Cascade 4 §6.1).
 * The element also keeps a light-DOM child so it is never `:empty` at all.
 * The same goes for the floating position: a host rule such as
 * `body > * { position: relative }` would otherwise move the widget off-screen.
 * (A host `transform` on an ancestor still makes `position: fixed` relative to it.)
 * One literal per rule, for reading: the minifier joins them into one string.
 */
export const CSS =
  ':host{all:initial;display:block!important;visibility:visible!important;font:15px/1.45 var(--chatq-font,system-ui,sans-serif)!important;letter-spacing:normal!important;word-spacing:normal!important;text-transform:none!important}' +
  // The host page places and colours the widget with custom properties (SPEC §10), which `all:initial` keeps.
  ':host(:not([embedded])){position:fixed!important;right:var(--chatq-offset-x,20px)!important;bottom:var(--chatq-offset-y,20px)!important;z-index:2147483000!important}' +
  // Left: `right` goes back to auto, so the element stays as wide as the launcher (no invisible strip over the page).
  ':host([position=left]:not([embedded])){right:auto!important;left:var(--chatq-offset-x,20px)!important}' +
  ':host([embedded]){position:relative;width:100%;height:100%;min-height:320px}' +
  '[hidden],.status:empty{display:none!important}' +
  '*{box-sizing:border-box;font:inherit;color:inherit;margin:0}' +
  // The panel's buttons have their own rule (panel/styles.ts): it comes with panel.js.
  'button{cursor:pointer;border:0;background:var(--chatq-accent,#2649a6);color:var(--chatq-accent-text,#fff)}' +
  // ≥ 3:1 against white (6.4:1) and black (3.2:1), whatever the page behind the launcher (the panel has its own, panel/styles.ts).
  ':focus-visible{outline:3px solid #0b57d0;outline-offset:2px}' +
  '[part=launcher]{-webkit-tap-highlight-color:#0000;position:relative;display:block;width:56px;height:56px;border-radius:50%;padding:0;box-shadow:0 4px 14px #0004}' +
  'svg{display:block;width:28px;height:28px;margin:auto;fill:currentColor}' +
  '[data-unread]::after{content:attr(data-unread);position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#b3261e;color:#fff;font-size:12px;font-weight:700;line-height:22px}' +
  '.status{position:absolute;right:0;bottom:66px;width:240px;padding:8px 12px;border-radius:8px;background:#fff;color:#5f1410;box-shadow:0 4px 14px #0004}' +
  ':host([position=left]) .status{right:auto;left:0}';

/** One sheet per CSS text, keyed by it (no CSS text is the name of an Object.prototype member). */
const sheets: Record<string, CSSStyleSheet> = {};

/**
 * Adds `css` to `root`, one shared sheet per text for every instance (constructable sheets
 * can be adopted by many roots): the shell's (`CSS`), then the panel's when it comes.
 */
export function adoptStyles(root: ShadowRoot, css = CSS): void {
  try {
    let sheet = sheets[css];
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      sheets[css] = sheet;
    }
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    // Browsers without constructable sheets (Safari < 16.4): a <style> element, which a
    // strict CSP may block — the widget then still works, unstyled.
    root.append(h('style', {}, css));
  }
}
