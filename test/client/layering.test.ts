/**
 * The client's layering, checked on the import statements of src/client
 * (issue 12). The folders, bottom up:
 *
 * - `support/`     events, ids, storage, timers, wake-ups, tabs, texts: imports no other folder;
 * - `transport/`   the wire (api, SSE, the stream): may use support/ only;
 * - `session/`     who the visitor is (visitor state machine, JWT lifecycle, policy);
 * - `conversation/` the messages on screen, rendered through the `ChatView` interface;
 * - `ui/`          `<chatq-messenger>`: attributes and a view model in, events out;
 * - `panel/`       the conversation panel (panel.js, SPEC §10), lent the element's shadow root;
 *                  its entry also carries the conversation's sending half (`conversation/outbox.ts`);
 * - the root: `messenger.ts` (the one binding that knows both the element and the
 *   conversation), the entries `index.ts` and `loader.ts`, the script tag's `queue.ts`
 *   and `base.ts`, and the shared `types.ts`.
 *
 * session/, conversation/ and transport/ use no DOM global and never import ui/;
 * nothing imports the server; the graph has no cycle. A plain reading of
 * `import … from '…'` lines is enough: the client uses no dynamic imports.
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

const FOLDERS = ['support', 'transport', 'session', 'conversation', 'ui', 'panel'] as const;
type Folder = (typeof FOLDERS)[number];
const folderOf = (file: string): Folder | 'root' => (FOLDERS as readonly string[]).find((f) => file.startsWith(`${f}/`)) as Folder ?? 'root';

/** The one import across the folders' order: panel.js carries sending, which only an open panel needs (SPEC §10). */
const ALLOWED = new Set(['panel/entry.ts → conversation/outbox.ts']);

/** What each folder may import besides itself, the shared `types.ts` and `../identity/`. */
const MAY_IMPORT: Record<Folder, readonly (Folder | 'root')[]> = {
  support: [],
  transport: ['support'],
  session: ['support', 'transport'],
  conversation: ['support', 'transport', 'session'],
  ui: ['support'],
  panel: ['support', 'ui'],
};

describe('the client import graph', () => {
  it('is read (the check would pass vacuously otherwise)', () => {
    expect(graph.get('messenger.ts')).toEqual(expect.arrayContaining(['session/visitor.ts', 'conversation/chat.ts', 'ui/define.ts']));
    for (const folder of FOLDERS) expect(under(folder).length, folder).toBeGreaterThan(0);
    expect([...graph.keys()].filter((file) => folderOf(file) === 'root').sort()).toEqual(['base.ts', 'index.ts', 'loader.ts', 'messenger.ts', 'queue.ts', 'types.ts']);
  });

  it('each folder imports only the folders below it', () => {
    const upward = [...graph].flatMap(([file, imports]) => {
      const from = folderOf(file);
      if (from === 'root') return [];
      return imports
        .filter((to) => !to.startsWith('..') && to !== 'types.ts')
        .filter((to) => folderOf(to) !== from && !MAY_IMPORT[from].includes(folderOf(to)))
        .map((to) => `${file} → ${to}`)
        .filter((edge) => !ALLOWED.has(edge));
    });
    expect(upward).toEqual([]);
  });

  it('session/, conversation/ and transport/ use no DOM global', () => {
    const dom = /\b(document|window|HTMLElement|customElements|location|navigator|localStorage|BroadcastChannel)\b/;
    const users = [...under('session'), ...under('conversation'), ...under('transport')].filter((file) => dom.test(text.get(file)!));
    expect(users).toEqual([]);
  });

  it('only the messenger (the binding) and the entry import ui/: the conversation renders through an interface', () => {
    const users = [...graph].filter(([, imports]) => imports.some((to) => to.startsWith('ui/'))).map(([file]) => file);
    expect(users.filter((file) => !file.startsWith('ui/') && !file.startsWith('panel/')).sort()).toEqual(['index.ts', 'loader.ts', 'messenger.ts']);
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
