/**
 * One check on the import graph of src/ (issue 21, item 8): no folder loop,
 * and the layering rules, written as data. It replaces three hand-written
 * checkers (test/client/layering.test.ts, test/server/handler/routes-imports.test.ts,
 * test/server/verifier/imports.test.ts), which between them missed the
 * store/ ↔ engine/ loop. The graph counts type-only imports: they tie the
 * reading order of two folders as much as value imports do.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { codeOf, folderLoops, folderStep, reachable, readSourceTree, type ImportEdge, type SourceTree } from './helpers/import-graph.js';
import { ALLOWED_LOOP_STEPS, IMPORT_RULES, REACH_RULES, TEXT_RULES, type LoopStep } from './dependency-rules.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const tree = readSourceTree(SRC);

const isAllowed = (edge: ImportEdge, allowed: readonly LoopStep[]): boolean => {
  if (edge.external) return false;
  const step = folderStep(edge.from, edge.to);
  return allowed.some((a) => a.folder === step.folder && a.from === step.from && a.to === step.to);
};

/** The loops left once the allowed steps are taken out, each as `folder: entries ⟲ import lines`. */
function loopsIn(edges: readonly ImportEdge[], allowed: readonly LoopStep[] = ALLOWED_LOOP_STEPS): string[] {
  return folderLoops(edges.filter((edge) => !isAllowed(edge, allowed))).map(
    (loop) => `${loop.folder || 'src'}/: ${loop.entries.join(' ⟲ ')}\n    ${loop.imports.join('\n    ')}`,
  );
}

/** Every import that breaks a rule, as `file:line → 'specifier' (rule)`. */
function ruleBreaks({ edges }: Pick<SourceTree, 'edges'>): string[] {
  return IMPORT_RULES.flatMap((rule) =>
    edges
      .filter((edge) => rule.from.test(edge.from) && !rule.unless?.test(edge.from) && rule.to.test(edge.to))
      .filter((edge) => !rule.except?.includes(`${edge.from} → ${edge.to}`))
      .map((edge) => `${edge.from}:${edge.line} → '${edge.specifier}' (${rule.rule})`),
  );
}

describe('the import graph of src/', () => {
  it('is read: every relative import resolves to a file in it', () => {
    expect(tree.files.size).toBeGreaterThan(200);
    expect(tree.edges.filter((edge) => !edge.external && !tree.files.has(edge.to))).toEqual([]);
    expect(tree.edges.filter((edge) => edge.from === 'client/messenger.ts').map((edge) => edge.to)).toEqual(
      expect.arrayContaining(['client/session/machine.ts', 'client/conversation/chat.ts', 'client/ui/define.ts']),
    );
  });

  it('has no folder loop (the entries of each folder, files and subfolders, can be read one after the other)', () => {
    expect(loopsIn(tree.edges)).toEqual([]);
  });

  it.each(ALLOWED_LOOP_STEPS.map((step) => [`${step.folder}/: ${step.from} → ${step.to}`, step] as const))(
    'the allowed step %s still closes a loop (delete it from the list once it does not)',
    (_, step) => {
      const others = ALLOWED_LOOP_STEPS.filter((other) => other !== step);
      expect(loopsIn(tree.edges, others).some((loop) => loop.startsWith(`${step.folder || 'src'}/: `))).toBe(true);
    },
  );

  it('keeps the layering rules', () => {
    expect(ruleBreaks(tree)).toEqual([]);
  });

  it.each(REACH_RULES.map((rule) => [rule.rule, rule] as const))('%s', (_, rule) => {
    expect(tree.files.has(rule.start)).toBe(true);
    expect([...reachable(tree.edges, rule.start)].filter((file) => rule.never.test(file))).toEqual([]);
  });

  it.each(TEXT_RULES.map((rule) => [rule.rule, rule] as const))('%s', (_, rule) => {
    const files = [...tree.files.keys()].filter((file) => rule.files.test(file) && !rule.unless?.test(file));
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => rule.never.test(codeOf(file, tree.files.get(file)!)))).toEqual([]);
  });

  it('the handler has a core beside its adapter (the handler rules would pass vacuously otherwise)', () => {
    const core = [...tree.files.keys()].filter((file) => /^server\/handler\/(?!adapter\/)/.test(file));
    expect(core).toEqual(expect.arrayContaining(['server/handler/create.ts', 'server/handler/http/reply.ts', 'server/handler/live/sse.ts', 'server/handler/routes/stream.ts']));
  });
});

describe('the check fails when a loop or a layer break is planted in a copy of src/', () => {
  const copy = mkdtempSync(join(tmpdir(), 'chatq-graph-'));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(SRC, copy, { recursive: true });
  writeFileSync(join(copy, 'server/store/planted.ts'), "import type { HandlerContext } from '../handler/context.js';\nexport type Planted = HandlerContext;\n");
  writeFileSync(join(copy, 'client/support/planted.ts'), "export { TAG_NAME } from '../ui/define.js';\n");
  const planted = readSourceTree(copy);

  it('a store/ file importing the handler (which imports the store) is a loop in server/, named by its line', () => {
    const loops = loopsIn(planted.edges).filter((loop) => loop.startsWith('server/'));
    expect(loops).toHaveLength(1);
    expect(loops[0]).toMatch(/^server\/: .*handler ⟲ .*store/);
    expect(loops[0]).toContain("server/store/planted.ts:1 → '../handler/context.js'");
  });

  it('support/ importing ui/ breaks the client layers and closes a loop in client/', () => {
    expect(ruleBreaks(planted)).toContain("client/support/planted.ts:1 → '../ui/define.js' (client/support/ imports no other client folder)");
    expect(loopsIn(planted.edges)).toContainEqual(expect.stringMatching(/^client\/: support ⟲ ui\n.*client\/support\/planted\.ts:1/));
  });
});
