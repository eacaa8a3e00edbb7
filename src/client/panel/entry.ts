/**
 * The panel's script entry, built to `dist/panel.js` (an IIFE) and served at `{base}/panel.js`
 * (SPEC §10 "Two scripts"). It only leaves its factory where loader.js looks for it, read
 * when the script's `load` event fires (ui/panel-source.ts): no page global name, no work
 * before the panel is opened.
 */
import { PANEL_API, PANEL_SLOT, type PanelExport } from '../ui/panel-contract.js';
import { createShown } from '../conversation/shown.js';
import { createPanelWithNotices } from './notices.js';

(window as unknown as Record<symbol, PanelExport>)[PANEL_SLOT] = { api: PANEL_API, create: createPanelWithNotices, outbox: createShown };
