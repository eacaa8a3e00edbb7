/**
 * The import graph of a source tree, read with the TypeScript compiler's parser
 * (so `import type`, `export … from`, `import('…')` calls and `import('…')`
 * types all count: each one ties the reading order of two files), and the
 * folder-level cycles in it. Used by test/dependency-graph.test.ts (issue 21,
 * item 8).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/** One import statement: `from` and `to` are paths relative to the root, posix style. */
export interface ImportEdge {
  readonly from: string;
  /** The imported file relative to the root, or the bare specifier (`node:fs`, `jose`) when it is outside. */
  readonly to: string;
  readonly specifier: string;
  readonly line: number;
  readonly external: boolean;
}

export interface SourceTree {
  /** File → its source text, for the rules that read text rather than imports. */
  readonly files: ReadonlyMap<string, string>;
  readonly edges: readonly ImportEdge[];
}

function listTs(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listTs(root, path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [relative(root, path).split(sep).join('/')] : [];
  });
}

/** Every module specifier in a file with its 1-based line. */
export function specifiersOf(fileName: string, text: string): { specifier: string; line: number }[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: { specifier: string; line: number }[] = [];
  const add = (node: ts.Node | undefined): void => {
    if (node && ts.isStringLiteralLike(node)) found.push({ specifier: node.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) add(node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `./x.js` from `a/b.ts` → `a/x.ts` (the sources import with the emitted extension). */
function resolveRelative(root: string, from: string, specifier: string): string {
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates = [target.replace(/\.js$/, '.ts'), target, `${target}.ts`, `${target}/index.ts`];
  return candidates.find((candidate) => existsSync(join(root, candidate))) ?? target;
}

/** Reads every .ts file under `root` and the imports in it. */
export function readSourceTree(root: string): SourceTree {
  const files = new Map<string, string>();
  const edges: ImportEdge[] = [];
  for (const file of listTs(root)) {
    const text = readFileSync(join(root, file), 'utf8');
    files.set(file, text);
    for (const { specifier, line } of specifiersOf(file, text)) {
      const external = !specifier.startsWith('.');
      edges.push({ from: file, to: external ? specifier : resolveRelative(root, file, specifier), specifier, line, external });
    }
  }
  return { files, edges };
}

/**
 * Where an import counts in the folder graph: in the deepest folder holding
 * both files, between the two entries of that folder (a subfolder or a file)
 * that lead to them. `engine/redis/store.ts → store/ids.ts` is the edge
 * `engine → store` in the root; `a/x.ts → a/y.ts` is `x.ts → y.ts` in `a`.
 * A cycle among the entries of any folder is a loop: folders that need each
 * other cannot be read, moved or loaded one after the other.
 */
export function folderStep(from: string, to: string): { folder: string; from: string; to: string } {
  const a = from.split('/');
  const b = to.split('/');
  let shared = 0;
  while (shared < a.length - 1 && shared < b.length - 1 && a[shared] === b[shared]) shared += 1;
  return { folder: a.slice(0, shared).join('/'), from: a[shared]!, to: b[shared]! };
}

export interface FolderLoop {
  /** The folder whose entries form the loop ('' for the root). */
  readonly folder: string;
  /** The entries in the loop, sorted. */
  readonly entries: readonly string[];
  /** The import lines that close it: `file:line → specifier`. */
  readonly imports: readonly string[];
}

/** Strongly connected components (Tarjan) of a small directed graph, those with two or more nodes. */
export function components(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let top: string;
    do {
      top = stack.pop()!;
      component.push(top);
    } while (top !== node);
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** Every folder-level loop among the internal edges, each with the import lines that make it. */
export function folderLoops(edges: readonly ImportEdge[]): FolderLoop[] {
  const graphs = new Map<string, Map<string, Set<string>>>();
  const lines = new Map<string, string[]>();
  for (const edge of edges.filter((e) => !e.external && e.from !== e.to)) {
    const step = folderStep(edge.from, edge.to);
    const graph = graphs.get(step.folder) ?? graphs.set(step.folder, new Map()).get(step.folder)!;
    (graph.get(step.from) ?? graph.set(step.from, new Set()).get(step.from)!).add(step.to);
    const key = `${step.folder}\0${step.from}\0${step.to}`;
    (lines.get(key) ?? lines.set(key, []).get(key)!).push(`${edge.from}:${edge.line} → '${edge.specifier}'`);
  }
  return [...graphs].flatMap(([folder, graph]) =>
    components(graph).map((entries) => ({
      folder,
      entries,
      imports: entries.flatMap((from) => entries.flatMap((to) => lines.get(`${folder}\0${from}\0${to}`) ?? [])),
    })),
  );
}

/** A file's code with its comments left out (comments may name what the code avoids, to say why). */
export function codeOf(fileName: string, text: string): string {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  return ts.createPrinter({ removeComments: true }).printFile(source);
}

/** Every file reachable from `start` through internal imports (`start` included). */
export function reachable(edges: readonly ImportEdge[], start: string): Set<string> {
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const edge of edges) if (edge.from === file && !edge.external && !seen.has(edge.to)) seen.add(edge.to) && queue.push(edge.to);
  }
  return seen;
}
