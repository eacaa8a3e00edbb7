/** The mirrored-test check behind test/mirror.test.ts, on synthetic trees. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { kindOf, mirrorReport } from './mirror.js';

describe('kindOf', () => {
  it('calls a module with any statement left after type erasure code', () => {
    expect(kindOf('export const limit = 4;')).toBe('code');
    expect(kindOf("import type { A } from './a.js';\nexport function f(a: A) { return a; }")).toBe('code');
    expect(kindOf('export enum Mode { On, Off }')).toBe('code');
    expect(kindOf("export { x as default } from './x.js';\nconsole.log(1);")).toBe('code');
  });

  it('calls interfaces, type aliases and type imports types, and re-exports a barrel', () => {
    expect(kindOf("import type { A } from './a.js';\nexport interface B { a: A }\nexport type C = B | null;")).toBe('types');
    expect(kindOf('/** nothing at run time */\nexport type { D } from "./d.js";')).toBe('types');
    expect(kindOf("export { f } from './f.js';\nexport * from './g.js';\nexport type { H } from './h.js';")).toBe('barrel');
  });
});

describe('mirrorReport', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function tree(files: Record<string, string>): string {
    root = mkdtempSync(join(tmpdir(), 'chatq-mirror-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  }

  it('names a planted module without its mirrored test, and only that one', () => {
    const dir = tree({
      'src/a/tested.ts': 'export const a = 1;',
      'test/a/tested.test.ts': '',
      'src/a/b/planted.ts': 'export function planted() { return 2; }',
      'test/a/planted.test.ts': '', // beside the wrong folder: not its mirror
      'src/a/types.ts': 'export interface T { x: number }',
      'src/index.ts': "export * from './a/tested.js';",
    });
    expect(mirrorReport(join(dir, 'src'), join(dir, 'test'))).toEqual({
      missing: ['a/b/planted.ts'],
      exempt: [{ module: 'a/types.ts', kind: 'types' }, { module: 'index.ts', kind: 'barrel' }],
      covered: ['a/tested.ts'],
    });
  });
});
