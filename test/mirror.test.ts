/**
 * Tests lead from code to test (issue 21 item 8): each `src` module that runs code has
 * its test at the mirrored path (`src/server/store/ids.ts` → `test/server/store/ids.test.ts`).
 * Tests of behaviour that spans modules (e2e, contracts, hardening) live beside them.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mirrorReport } from './helpers/mirror.js';

const report = mirrorReport(fileURLToPath(new URL('../src', import.meta.url)), fileURLToPath(new URL('.', import.meta.url)));

describe('a test beside each src module', () => {
  it('every module that runs code has test/<its path>.test.ts', () => {
    expect(report.missing, `write these tests (src module → test/<same path>.test.ts):\n${report.missing.join('\n')}`).toEqual([]);
  });

  it('reads the whole tree: every module is covered, missing or exempt (types or re-exports only)', () => {
    expect(report.covered.length + report.missing.length + report.exempt.length).toBeGreaterThan(250);
    expect(report.exempt.length).toBeLessThan(report.covered.length / 5);
  });
});
