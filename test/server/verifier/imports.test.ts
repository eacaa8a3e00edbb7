/**
 * The shared identity model and the verifier have no import cycle: each module
 * can be read (and loaded) after the ones it imports (issue 12, item 7 — there
 * was one between verifier/crypto/backend.ts and its two backends).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports of every file under `roots`, type-only ones included (they still tangle the reading order). */
function importGraph(roots: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of roots.flatMap((root) => files(join(SRC, root)))) {
    const imports = [...readFileSync(file, 'utf8').matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/g)];
    graph.set(file.slice(SRC.length), imports.map((m) => resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')).slice(SRC.length)));
  }
  return graph;
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      const at = stack.indexOf(next);
      if (at >= 0) found.push([...stack.slice(at), next]);
      else if (!done.has(next) && graph.has(next)) visit(next);
    }
    stack.pop();
    done.add(file);
  };
  for (const file of graph.keys()) if (!done.has(file)) visit(file);
  return found;
}

describe('no import cycles', () => {
  it('in src/identity and src/server/verifier', () => {
    const graph = importGraph(['identity', 'server/verifier']);
    expect(graph.size).toBeGreaterThan(20);
    expect(cycles(graph)).toEqual([]);
  });

  it('the check reports a cycle when there is one', () => {
    const graph = new Map([
      ['crypto/backend.ts', ['crypto/node.ts', 'crypto/types.ts']],
      ['crypto/node.ts', ['crypto/backend.ts']],
      ['crypto/types.ts', []],
    ]);
    expect(cycles(graph)).toEqual([['crypto/backend.ts', 'crypto/node.ts', 'crypto/backend.ts']]);
  });
});
