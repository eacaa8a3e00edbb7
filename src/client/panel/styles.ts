import { adoptStyles } from '../ui/styles.js';

/** The dark theme's colours (SPEC §10 `theme`): for `dark`, and for `auto` on a dark system. */
const DARK = 'color-scheme:dark;--bg:#1b1d23;--fg:#eceef2;--soft:#2c2f38;--muted:#c0c4cf;--note:#3b2f14;--note-fg:#ffe1a6;--bad:#4a1d1d;--bad-fg:#ffd9d5;--pring:#ffd166';

/**
 * The panel's CSS (panel.js), beside the shell's in the same shadow root (ui/styles.ts has
 * the rules for both: constructable sheets, so a strict CSP allows them). Colours are
 * variables, so the dark theme is one list of values; the host's `--chatq-*` properties
 * (SPEC §10 "Looks and placement") feed the accent, its text, the radius and the font.
 */
export const PANEL_CSS =
  ':host{color:var(--fg);color-scheme:light;--bg:#fff;--fg:#1b1b1f;--soft:#eef0f4;--muted:#4b5060;--line:#8a8f99;--note:#fff4e5;--note-fg:#4d2f00;--bad:#fde7e7;--bad-fg:#5f1410;--pring:#0b57d0;' +
  '--accent:var(--chatq-accent,#2649a6);--on-accent:var(--chatq-accent-text,#fff);--r:var(--chatq-radius,12px)}' +
  `:host([theme=dark]){${DARK}}` +
  `@media (prefers-color-scheme:dark){:host(:not([theme=light]):not([theme=dark])){${DARK}}}` +
  // Phones (SPEC §10): the open floating panel covers the viewport, as tall as the visual viewport (the keyboard's edge).
  '@media (max-width:639.98px){' +
  ':host(:not([embedded])[open]){top:0!important;left:0!important;right:0!important;bottom:0!important}' +
  ':host(:not([embedded])[open]) [part=panel]{position:fixed;inset:0 0 auto;width:100%;max-width:none;height:var(--chatq-vh,100dvh);max-height:none;border-radius:0}' +
  ':host(:not([embedded])[open]) [part=launcher]{display:none}' +
  '}' +
  // Focus rings ≥ 3:1 against what they sit on (WCAG 2.2): the panel's colours, and the accent's text colour on the accent.
  '[part=panel] :focus-visible,[part=preview] :focus-visible{outline-color:var(--pring)}' +
  '[part=header] :focus-visible,[data-author=visitor] :focus-visible{outline-color:var(--on-accent)}' +
  'h2{font-size:16px;font-weight:700}' +
  'button{border-radius:8px;padding:8px 14px}' +
  'button:disabled{background:#6b7280;cursor:not-allowed}' +
  '[part=panel]{position:absolute;right:0;bottom:70px;width:360px;max-width:calc(100vw - 40px);height:520px;max-height:calc(100vh - 110px);display:flex;flex-direction:column;background:var(--bg);color:var(--fg);border-radius:var(--r);box-shadow:0 8px 30px #0005;overflow:hidden}' +
  ':host([position=left]) [part=panel],:host([position=left]) [part=preview]{right:auto;left:0}' +
  ':host([embedded]) [part=panel]{position:static;width:100%;max-width:none;height:100%;max-height:none;box-shadow:none;border:1px solid var(--line)}' +
  '[part=header]{display:flex;align-items:center;gap:8px;padding:10px 12px;background:var(--accent);color:var(--on-accent)}' +
  '.who{flex:1;min-width:0}' +
  // Availability in words, the dot only repeats it.
  '[part=presence]{font-size:12px}' +
  '[part=presence]::before{content:"";display:inline-block;width:8px;height:8px;margin-inline-end:6px;border-radius:50%;background:#c4c8d0}' +
  '[part=presence][data-available]::before{background:#3ccf6e}' +
  '.greet{font-size:13px}' +
  '.close{padding:4px 10px;background:transparent;color:inherit;font-size:20px;line-height:1}' +
  ':host([embedded]) .close{display:none}' +
  '[part=messages]{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px}' +
  '[part=message]{max-width:85%;align-self:flex-start;padding:8px 12px;border-radius:var(--r);background:var(--soft);white-space:pre-wrap;overflow-wrap:anywhere}' +
  '[part=message][data-author=visitor]{align-self:flex-end;background:var(--accent);color:var(--on-accent)}' +
  '[part=message][data-state=failed]{background:var(--bad);color:var(--bad-fg)}' +
  '[part=agent]{display:flex;align-items:center;gap:6px;margin-bottom:4px;font-size:13px;font-weight:700}' +
  '[part=avatar]{flex:none;width:24px;height:24px;border-radius:50%;object-fit:cover;display:grid;place-items:center;background:var(--accent);color:var(--on-accent);font-size:12px}' +
  '[part=message] a{color:inherit;text-decoration:underline}' +
  '[part=time],.seen{display:block;font-size:11px;margin-top:2px}' +
  '.seen{text-align:end;font-weight:700}' +
  '.meta{display:block;font-size:12px;margin-top:2px}' +
  '.meta button{margin-inline-start:6px;padding:2px 8px;font-size:12px}' +
  '[part=typing]{margin:0;padding:0 12px 6px;font-size:13px;color:var(--muted)}' +
  '.dots span{display:inline-block;width:5px;height:5px;margin-inline-start:3px;border-radius:50%;background:currentColor;animation:chatq-dot 1.2s infinite}' +
  '.dots span:nth-child(2){animation-delay:.2s}' +
  '.dots span:nth-child(3){animation-delay:.4s}' +
  '@keyframes chatq-dot{50%{opacity:.2}}' +
  '@media (prefers-reduced-motion:reduce){.dots span{animation:none}}' +
  '.away{margin:0 12px 8px;padding:10px 12px;border-radius:8px;background:var(--soft);display:grid;gap:8px}' +
  '[part=email]{display:flex;flex-wrap:wrap;gap:8px;align-items:end}' +
  '[part=email] label{flex:1 1 180px;display:grid;gap:4px;font-size:13px}' +
  '[part=email] input{font-size:16px;padding:8px;border:1px solid var(--line);border-radius:8px;background:var(--bg)}' +
  '.error{flex-basis:100%;color:var(--bad-fg);font-size:13px}' +
  '.error:empty{display:none}' +
  '[part=notice]{margin:0 12px 8px;padding:8px 12px;border-radius:8px;background:var(--note);color:var(--note-fg);display:flex;gap:8px;align-items:center}' +
  '[part=notice] p{flex:1}' +
  // The composer's counter (panel/counter.ts): over the limit it is in the failed colours, and bold, not by colour alone.
  '[part=counter]{margin:0 12px 8px;font-size:12px;color:var(--muted);text-align:end}' +
  '[part=counter][data-over]{padding:4px 8px;border-radius:8px;background:var(--bad);color:var(--bad-fg);font-weight:700;text-align:start}' +
  '[part=composer]{display:flex;gap:8px;padding:10px 12px;border-top:1px solid var(--line)}' +
  '[part=input]{flex:1;font-size:16px;resize:none;min-height:40px;max-height:120px;padding:8px;border:1px solid var(--line);border-radius:8px;background:var(--bg)}' +
  // Unread while closed (SPEC §10): the card sits above the launcher, on its side.
  '[part=preview]{position:absolute;right:0;bottom:70px;width:280px;max-width:calc(100vw - 40px);display:flex;align-items:flex-start;background:var(--bg);color:var(--fg);border-radius:var(--r);box-shadow:0 6px 24px #0004}' +
  '[part=preview] .show{flex:1;display:grid;gap:2px;padding:12px;text-align:start;background:none;color:inherit}' +
  '[part=preview] .show span{display:-webkit-box;-webkit-line-clamp:3;-webkit-box-orient:vertical;overflow:hidden}' +
  '.dismiss{padding:6px 10px;background:none;color:inherit;font-size:18px;line-height:1}' +
  // Forced colours drop backgrounds and shadows: borders keep every bubble, box and field visible.
  '@media (forced-colors:active){button{border:2px solid ButtonText}[part=panel],[part=message],[part=notice],[part=preview],.away,[part=input],[part=email] input{border:1px solid CanvasText}[part=message][data-author=visitor]{border-width:3px}}' +
  '.sr{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip-path:inset(50%)}';

export const adoptPanelStyles = (root: ShadowRoot): void => adoptStyles(root, PANEL_CSS);
