/**
 * The built panel (dist/panel.js, SPEC §10), inlined by the build like the
 * loader; from source only `panelScript` serves it.
 */
import { describe } from 'vitest';
import { builtConstantTests } from './built-constant.js';

describe('BUILT_PANEL', () => {
  builtConstantTests('__CHATQ_BUILT_PANEL__', async () => (await import('../../../../src/server/handler/routes/built-panel.js')).BUILT_PANEL);
});
