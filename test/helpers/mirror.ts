/**
 * Tests lead from code to test (issue 21): every `src` module that runs code has a test
 * at the mirrored path, `src/a/b.ts` → `test/a/b.test.ts`. A module with nothing left
 * after TypeScript erases its types (types only), or only `export … from` lines (a
 * barrel), runs no code of its own and needs none; the package export tests cover barrels.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

export type ModuleKind = 'code' | 'types' | 'barrel';

/** What a module holds once its types are erased: code, nothing (types), or only re-exports. */
export function kindOf(text: string): ModuleKind {
  const js = ts.transpileModule(text, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, removeComments: true },
  }).outputText;
  const statements = ts.createSourceFile('module.js', js, ts.ScriptTarget.ES2022).statements;
  const reExports = statements.filter((s) => ts.isExportDeclaration(s) && s.moduleSpecifier !== undefined);
  const rest = statements.filter((s) => !ts.isImportDeclaration(s) && !ts.isExportDeclaration(s));
  if (rest.length > 0) return 'code';
  return reExports.length > 0 ? 'barrel' : 'types';
}

function* tsFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

export interface MirrorReport {
  /** Modules that run code and have no test at their mirrored path, as `src`-relative paths. */
  missing: string[];
  /** Modules that need no test (types only or re-exports only), with the reason. */
  exempt: Array<{ module: string; kind: Exclude<ModuleKind, 'code'> }>;
  /** Modules that run code and have their mirrored test. */
  covered: string[];
}

/** Walks `srcRoot` and says, for each module, whether `testRoot` holds its mirrored test. */
export function mirrorReport(srcRoot: string, testRoot: string): MirrorReport {
  const report: MirrorReport = { missing: [], exempt: [], covered: [] };
  for (const file of [...tsFiles(srcRoot)].sort()) {
    const module = relative(srcRoot, file).split(sep).join('/');
    const kind = kindOf(readFileSync(file, 'utf8'));
    if (kind !== 'code') report.exempt.push({ module, kind });
    else if (existsSync(join(testRoot, module.replace(/\.ts$/, '.test.ts')))) report.covered.push(module);
    else report.missing.push(module);
  }
  return report;
}
