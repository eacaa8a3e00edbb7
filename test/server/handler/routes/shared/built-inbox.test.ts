/**
 * The built inbox (dist/inbox.js), inlined by the build; run from source there
 * is none, and `{base}/inbox/inbox.js` answers 404 (routes/inbox.ts).
 */
import { describe } from 'vitest';
import { builtConstantTests } from '../built-constant.js';

describe('BUILT_INBOX', () => {
  builtConstantTests('__CHATQ_BUILT_INBOX__', async () => (await import('../../../../../src/server/handler/routes/shared/built-inbox.js')).BUILT_INBOX);
});
