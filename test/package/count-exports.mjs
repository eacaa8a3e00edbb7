#!/usr/bin/env node
/**
 * Counts the names each package entry exports (issue 21 item 6), from the
 * built declarations the `types` condition of package.json `exports` points
 * at: `node test/package/count-exports.mjs [packageDir]` after `npm run build`.
 * Prints one line per entry and the total; `--json` prints the names too.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

/** entry → sorted exported names, read with the compiler (follows `export *` and re-exports). */
export function exportsByEntry(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const entries = Object.entries(pkg.exports).filter(([, target]) => typeof target === 'object' && target.types);
  const files = entries.map(([, target]) => resolve(dir, target.types));
  const program = ts.createProgram(files, { noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext });
  const checker = program.getTypeChecker();
  const result = {};
  for (const [[name], file] of entries.map((entry, i) => [entry, files[i]])) {
    const source = program.getSourceFile(file);
    const symbol = source && checker.getSymbolAtLocation(source);
    result[name.replace(/^\.\/?/, 'chatq/').replace(/\/$/, '')] = symbol ? checker.getExportsOfModule(symbol).map((s) => s.name).sort() : [];
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = resolve(process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? '.');
  const byEntry = exportsByEntry(dir);
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(byEntry, null, 2));
    process.exit(0);
  }
  let total = 0;
  for (const [entry, names] of Object.entries(byEntry)) {
    total += names.length;
    console.log(`${entry}: ${names.length}`);
  }
  console.log(`total: ${total}`);
}
