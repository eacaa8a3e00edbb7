/**
 * SPEC §7: what `npm pack` puts in the package — the LICENSE package.json names, the README,
 * the community schema, and every file the exports map and the `chatq` bin point at — and
 * nothing left over from an earlier build.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  license: string;
  exports: Record<string, string | Record<string, string>>;
  bin: Record<string, string>;
};

function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((file) => file.path);
}

describe('the packed package', () => {
  const files = packedFiles();

  it('ships the MIT LICENSE that package.json names, the README and the community schema', () => {
    expect(manifest.license).toBe('MIT');
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'community.schema.json', 'package.json']));
    expect(readFileSync(resolve(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the chatq authors/);
  });

  it('ships every file the exports map and the bin point at', () => {
    const targets = new Set<string>();
    for (const target of Object.values(manifest.exports)) {
      for (const path of typeof target === 'string' ? [target] : Object.values(target)) targets.add(path.replace(/^\.\//, ''));
    }
    for (const path of Object.values(manifest.bin)) targets.add(path.replace(/^\.\//, ''));
    expect([...targets].filter((path) => !files.includes(path))).toEqual([]);
  });

  it('exports every engine entry with types, import, require and default (chatq/redis, chatq/sqlite)', () => {
    for (const entry of ['./redis', './sqlite']) {
      expect(Object.keys(manifest.exports[entry] as Record<string, string>)).toEqual(['types', 'import', 'require', 'default']);
    }
    expect(files).toEqual(expect.arrayContaining(['dist/sqlite.js', 'dist/types/server/engine/sqlite/index.d.ts']));
  });

  it('holds no shared chunk that no entry imports (nothing left from an earlier build)', () => {
    const chunks = files.filter((path) => /^dist\/shared\/.*\.js$/.test(path));
    const entries = files.filter((path) => /^dist\/[^/]+\.js$/.test(path));
    const imported = new Set<string>();
    for (const file of [...entries, ...chunks]) {
      for (const [, name] of readFileSync(resolve(root, file), 'utf8').matchAll(/from\s*["']\.\/(?:shared\/)?([^"']+\.js)["']|import\(["']\.\/(?:shared\/)?([^"']+\.js)["']\)/g)) {
        if (name) imported.add(name);
      }
    }
    expect(chunks.filter((path) => !imported.has(path.split('/').pop()!))).toEqual([]);
  });
});
