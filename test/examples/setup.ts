/**
 * Packs chatq once for every example test (as `npm pack` does from a fresh
 * clone, test/package/pack.ts) and hands the tarball's path to them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { packTarball } from '../package/pack.js';

declare module 'vitest' {
  export interface ProvidedContext {
    tarball: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  // A tarball packed earlier (`npm pack`), to rerun one example quickly; CI packs afresh.
  if (process.env.CHATQ_TARBALL) {
    project.provide('tarball', process.env.CHATQ_TARBALL);
    return () => {};
  }
  const dir = mkdtempSync(join(tmpdir(), 'chatq-tarball-'));
  project.provide('tarball', await packTarball(dir));
  return () => rmSync(dir, { recursive: true, force: true });
}
