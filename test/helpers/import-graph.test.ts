/** The import-graph reader and loop finder behind test/dependency-graph.test.ts, on synthetic graphs. */
import { describe, expect, it } from 'vitest';
import { codeOf, components, folderLoops, folderStep, reachable, specifiersOf, type ImportEdge } from './import-graph.js';

const edge = (from: string, to: string, line = 1): ImportEdge => ({ from, to, specifier: to, line, external: false });

describe('specifiersOf', () => {
  it('sees every form that ties two files: import, import type, export from, import() calls and types, side-effect imports', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "export { c } from './c.js';",
      "export * from './d.js';",
      "import './e.js';",
      "const f = await import('./f.js');",
      "let g: import('./g.js').G;",
      "// import { h } from './h.js';",
      "const i = './i.js';",
    ].join('\n');
    expect(specifiersOf('x.ts', text)).toEqual([
      { specifier: './a.js', line: 1 },
      { specifier: './b.js', line: 2 },
      { specifier: './c.js', line: 3 },
      { specifier: './d.js', line: 4 },
      { specifier: './e.js', line: 5 },
      { specifier: './f.js', line: 6 },
      { specifier: './g.js', line: 7 },
    ]);
  });
});

describe('folderStep', () => {
  it('counts an import between the two entries of the deepest folder that holds both files', () => {
    expect(folderStep('server/engine/redis/store.ts', 'server/store/ids.ts')).toEqual({ folder: 'server', from: 'engine', to: 'store' });
    expect(folderStep('server/store/memory.ts', 'server/engine/types.ts')).toEqual({ folder: 'server', from: 'store', to: 'engine' });
    expect(folderStep('a/x.ts', 'a/y.ts')).toEqual({ folder: 'a', from: 'x.ts', to: 'y.ts' });
    expect(folderStep('a/x.ts', 'a/b/y.ts')).toEqual({ folder: 'a', from: 'x.ts', to: 'b' });
    expect(folderStep('index.ts', 'a/y.ts')).toEqual({ folder: '', from: 'index.ts', to: 'a' });
  });
});

describe('components', () => {
  it('finds the strongly connected parts with two or more nodes, and nothing in a graph without a cycle', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a', 'd'])],
      ['d', new Set(['e'])],
      ['e', new Set<string>()],
    ]);
    expect(components(graph)).toEqual([['a', 'b', 'c']]);
    graph.get('c')!.delete('a');
    expect(components(graph)).toEqual([]);
  });
});

describe('folderLoops', () => {
  it('finds a loop between two folders that no file-level cycle shows, and names the import lines that close it', () => {
    // No file imports a file that imports it back, yet store/ and engine/ need each other.
    const edges = [edge('server/engine/memory.ts', 'server/store/index.ts', 1), edge('server/store/memory.ts', 'server/engine/types.ts', 2), edge('server/engine/types.ts', 'identity/index.ts', 3)];
    expect(folderLoops(edges)).toEqual([
      { folder: 'server', entries: ['engine', 'store'], imports: ['server/engine/memory.ts:1 → \'server/store/index.ts\'', 'server/store/memory.ts:2 → \'server/engine/types.ts\''] },
    ]);
  });

  it('finds a file cycle inside one folder, and a loop between a file and a subfolder beside it', () => {
    const edges = [edge('v/crypto/backend.ts', 'v/crypto/node.ts'), edge('v/crypto/node.ts', 'v/crypto/backend.ts'), edge('h/context.ts', 'h/agents/access.ts'), edge('h/agents/auth.ts', 'h/context.ts')];
    expect(folderLoops(edges).map((loop) => [loop.folder, loop.entries])).toEqual([
      ['v/crypto', ['backend.ts', 'node.ts']],
      ['h', ['agents', 'context.ts']],
    ]);
  });

  it('finds nothing in a layered graph, and ignores packages outside the tree', () => {
    const edges = [edge('client/ui/a.ts', 'client/support/b.ts'), edge('client/messenger.ts', 'client/ui/a.ts'), { ...edge('client/ui/a.ts', 'node:fs'), external: true }, { ...edge('x/a.ts', 'x/a.ts') }];
    expect(folderLoops(edges)).toEqual([]);
  });
});

describe('reachable', () => {
  it('follows imports through any number of files', () => {
    const edges = [edge('loader.ts', 'ui/source.ts'), edge('ui/source.ts', 'support/a.ts'), edge('index.ts', 'panel/panel.ts')];
    expect([...reachable(edges, 'loader.ts')].sort()).toEqual(['loader.ts', 'support/a.ts', 'ui/source.ts']);
  });
});

describe('codeOf', () => {
  it('leaves comments out and keeps code and strings', () => {
    const code = codeOf('x.ts', "/** uses no document */\nconst url = 'http://x'; // window\nglobalThis.document;\n");
    expect(code).not.toMatch(/uses no|window/);
    expect(code).toContain('http://x');
    expect(code).toContain('globalThis.document');
  });
});
