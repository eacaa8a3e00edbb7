/**
 * The built widget (dist/loader.js), inlined by the build so the handler
 * serves loader.js with no option (SPEC §6 "Fitting"); from source only
 * `loaderScript` serves it.
 */
import { describe } from 'vitest';
import { builtConstantTests } from './built-constant.js';

describe('BUILT_LOADER', () => {
  builtConstantTests('__CHATQ_BUILT_LOADER__', async () => (await import('../../../../src/server/handler/routes/built-loader.js')).BUILT_LOADER);
});
