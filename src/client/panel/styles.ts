import { adoptStyles } from '../ui/styles.js';

/**
 * The panel's CSS (panel.js), beside the shell's in the same shadow root (ui/styles.ts has
 * the rules for both: constructable sheets, so a strict CSP allows them).
 */
export const PANEL_CSS =
  // Phones (SPEC §10): the open floating panel covers the viewport, as tall as the visual viewport (the keyboard's edge).
  '@media (max-width:639.98px){' +
  ':host(:not([embedded])[open]){top:0!important;left:0!important;right:0!important;bottom:0!important}' +
  ':host(:not([embedded])[open]) [part=panel]{position:fixed;inset:0 0 auto;width:100%;max-width:none;height:var(--chatq-vh,100dvh);max-height:none;border-radius:0}' +
  ':host(:not([embedded])[open]) [part=launcher]{display:none}' +
  '}' +
  'h2{margin:0}' +
  'button:disabled{background:#6b7280;cursor:not-allowed}' +
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
  '[part=agent]{display:flex;align-items:center;gap:6px;margin-bottom:4px;font-size:13px;font-weight:700}' +
  '[part=avatar]{flex:none;width:24px;height:24px;border-radius:50%;object-fit:cover;display:grid;place-items:center;background:#2649a6;color:#fff;font-size:12px}' +
  '[part=message] a{color:inherit;text-decoration:underline}' +
  '[part=time]{display:block;font-size:11px;margin-top:2px}' +
  '.meta{display:block;font-size:12px;margin-top:2px}' +
  '.meta button{margin-left:6px;padding:2px 8px;font-size:12px}' +
  '[part=notice]{margin:0 12px 8px;padding:8px 12px;border-radius:8px;background:#fff4e5;color:#4d2f00;display:flex;gap:8px;align-items:center}' +
  '[part=notice] p{flex:1}' +
  '[part=composer]{display:flex;gap:8px;padding:10px 12px;border-top:1px solid #d5d8de}' +
  '[part=input]{flex:1;font-size:16px;resize:none;min-height:40px;max-height:120px;padding:8px;border:1px solid #8a8f99;border-radius:8px;background:#fff}' +
  '.sr{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip-path:inset(50%)}';

export const adoptPanelStyles = (root: ShadowRoot): void => adoptStyles(root, PANEL_CSS);
