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
  ':host{all:initial;display:block!important;visibility:visible!important;font:15px/1.45 system-ui,sans-serif!important;letter-spacing:normal!important;word-spacing:normal!important;text-transform:none!important;color:#1b1b1f}' +
  ':host(:not([embedded])){position:fixed!important;right:20px!important;bottom:20px!important;z-index:2147483000!important}' +
  ':host([embedded]){position:relative;width:100%;height:100%;min-height:320px}' +
  '[hidden]{display:none!important}' +
  '*{box-sizing:border-box;font:inherit;color:inherit}' +
  'h2,p{margin:0}' +
  'button{cursor:pointer;border:0;border-radius:8px;padding:8px 14px;background:#2649a6;color:#fff}' +
  ':focus-visible{outline:3px solid #f0a500;outline-offset:2px}' +
  'button:disabled{background:#6b7280;cursor:not-allowed}' +
  '[part=launcher]{position:relative;width:56px;height:56px;border-radius:50%;padding:0;box-shadow:0 4px 14px #0004}' +
  'svg{display:block;width:28px;height:28px;margin:auto;fill:currentColor}' +
  '.badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#b3261e;font-size:12px;font-weight:700;line-height:22px}' +
  '[part=panel]{position:absolute;right:0;bottom:70px;width:360px;max-width:calc(100vw - 40px);height:520px;max-height:calc(100vh - 110px);display:flex;flex-direction:column;background:#fff;border-radius:12px;box-shadow:0 8px 30px #0005;overflow:hidden}' +
  ':host([embedded]) [part=panel]{position:static;width:100%;max-width:none;height:100%;max-height:none;box-shadow:none;border:1px solid #c9ccd3}' +
  '[part=header]{display:flex;align-items:center;gap:8px;padding:10px 12px;background:#2649a6;color:#fff}' +
  'h2{flex:1;font-size:16px;font-weight:700}' +
  '.greet{font-size:13px}' +
  '.close{padding:4px 10px;background:transparent;font-size:20px;line-height:1}' +
  ':host([embedded]) .close{display:none}' +
  '[part=messages]{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px}' +
  '[part=message]{max-width:85%;align-self:flex-start;padding:8px 12px;border-radius:12px;background:#eef0f4;white-space:pre-wrap;overflow-wrap:anywhere}' +
  '[part=message][data-author=visitor]{align-self:flex-end;background:#2649a6;color:#fff}' +
  '[part=message][data-state=failed]{background:#fde7e7;color:#5f1410}' +
  '.meta{display:block;font-size:12px;margin-top:2px}' +
  '.meta button{margin-left:6px;padding:2px 8px;font-size:12px}' +
  '[part=notice]{margin:0 12px 8px;padding:8px 12px;border-radius:8px;background:#fff4e5;color:#4d2f00;display:flex;gap:8px;align-items:center}' +
  '[part=notice] p{flex:1}' +
  '[part=composer]{display:flex;gap:8px;padding:10px 12px;border-top:1px solid #d5d8de}' +
  '[part=input]{flex:1;resize:none;min-height:40px;max-height:120px;padding:8px;border:1px solid #8a8f99;border-radius:8px;background:#fff}' +
  // Visually hidden, read aloud. No `white-space: nowrap`: its only text is a one-word author label ("You: ").
  '.sr{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip-path:inset(50%)}';

let sheet: CSSStyleSheet | undefined;

/** One shared sheet for every instance (constructable sheets can be adopted by many roots). */
export function adoptStyles(root: ShadowRoot): void {
  try {
    sheet ??= new CSSStyleSheet();
    if (sheet.cssRules.length === 0) sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch {
    // Browsers without constructable sheets (Safari < 16.4): a <style> element, which a
    // strict CSP may block — the widget then still works, unstyled.
    const style = h('style');
    style.textContent = CSS;
    root.append(style);
  }
}
