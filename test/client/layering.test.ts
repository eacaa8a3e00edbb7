/**
 * The client's layering, checked on the import statements of src/client
 * (issue 12): who the visitor is (`session/`) knows no UI and no DOM, the
 * conversation (`chat.ts`) renders through its `ChatView` interface, so only
 * the messenger (the binding) and the entry file import `ui/`; the element
 * knows nothing of sessions or of what drives it; nothing imports the
 * server; and the import graph has no cycle. A plain
 * reading of `import … from '…'` lines is enough: the client uses no
 * dynamic imports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/client');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** File (relative to src/client) → the files it imports (relative to src/client; `../x` outside it). */
const graph = new Map<string, string[]>();
const text = new Map<string, string>();
for (const file of sources(root)) {
  const source = readFileSync(file, 'utf8');
  const name = relative(root, file);
  const imports = [...source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*'([^']+)'/gms)].map((match) =>
    relative(root, resolve(dirname(file), match[1]!.replace(/\.js$/, '.ts'))),
  );
  graph.set(name, imports);
  // Code only: comments may name DOM globals when they explain why none is used.
  text.set(name, source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, ''));
}

const under = (folder: string): string[] => [...graph.keys()].filter((name) => name.startsWith(`${folder}/`));

describe('the client import graph', () => {
  it('is read (the check would pass vacuously otherwise)', () => {
    expect(graph.get('messenger.ts')).toEqual(expect.arrayContaining(['session/visitor.ts', 'chat.ts', 'ui/define.ts']));
    expect(under('session').sort()).toEqual(['session/supersession.ts', 'session/visitor.ts']);
  });

  it('session/ imports nothing from ui/, nor the messenger or the conversation above it', () => {
    const upward = under('session').flatMap((file) =>
      graph.get(file)!.filter((to) => to.startsWith('ui/') || to === 'messenger.ts' || to === 'chat.ts').map((to) => `${file} → ${to}`),
    );
    expect(upward).toEqual([]);
  });

  it('session/ uses no DOM global', () => {
    const dom = /\b(document|window|HTMLElement|customElements|location|navigator|localStorage|BroadcastChannel)\b/;
    const users = under('session').filter((file) => dom.test(text.get(file)!));
    expect(users).toEqual([]);
  });

  it('only the messenger (the binding) and the entry import ui/: the conversation renders through an interface', () => {
    const users = [...graph].filter(([, imports]) => imports.some((to) => to.startsWith('ui/'))).map(([file]) => file);
    expect(users.filter((file) => !file.startsWith('ui/')).sort()).toEqual(['index.ts', 'messenger.ts']);
  });

  it('ui/ knows neither sessions nor the messenger, chat or transport that drive it', () => {
    const upward = under('ui').flatMap((file) =>
      graph
        .get(file)!
        .filter((to) => to.startsWith('session/') || ['messenger.ts', 'chat.ts', 'api.ts', 'stream.ts', 'tabs.ts'].includes(to))
        .map((to) => `${file} → ${to}`),
    );
    expect(upward).toEqual([]);
  });

  it('nothing imports the server (the shared identity module is the only way out)', () => {
    const out = [...graph].flatMap(([file, imports]) =>
      imports.filter((to) => to.startsWith('..') && !to.startsWith('../identity/')).map((to) => `${file} → ${to}`),
    );
    expect(out).toEqual([]);
  });

  it('has no cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done' || !graph.has(file)) return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const to of graph.get(file)!) visit(to, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
