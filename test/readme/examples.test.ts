/**
 * SPEC §13: the README is the path a newcomer walks, and its recipes are the
 * files that `npm run test:examples` runs. Each `<!-- file: PATH -->` marker
 * is followed by a fenced block that must equal that file byte for byte, so
 * README and examples cannot drift; every example is shown and tested.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readme } from './snippets.js';

const root = resolve(import.meta.dirname, '../..');
const FILE_MARKER = /^<!-- file: (\S+) -->$/;

/** Each marked block: the file it names and the text between its fences. */
function fileBlocks(text = readme()): { path: string; block: string }[] {
  const lines = text.split('\n');
  return lines.flatMap((line, index) => {
    const path = FILE_MARKER.exec(line)?.[1];
    if (path === undefined) return [];
    if (!/^```[a-z]+$/.test(lines[index + 1] ?? '')) throw new Error(`README: <!-- file: ${path} --> must be followed by a fenced block`);
    const end = lines.indexOf('```', index + 2);
    return [{ path, block: `${lines.slice(index + 2, end).join('\n')}\n` }];
  });
}

describe('README: the recipes are the example files', () => {
  const blocks = fileBlocks();

  it('each marked block equals its file under examples/', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(15);
    for (const { path, block } of blocks) {
      expect(path, path).toMatch(/^examples\//);
      expect(block, `README block for ${path}`).toBe(readFileSync(resolve(root, path), 'utf8'));
    }
  });

  it('every example is shown in the README and has its test under test/examples/', () => {
    const examples = readdirSync(resolve(root, 'examples'), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    expect(examples.sort()).toEqual(['express', 'fastify', 'hono', 'koa', 'nestjs', 'nextjs', 'nginx', 'quickstart', 'react', 'vue']);
    const shown = new Set(blocks.map(({ path }) => path.split('/')[1]));
    for (const name of examples) {
      expect(shown.has(name), `README shows examples/${name}`).toBe(true);
      expect(existsSync(resolve(root, 'test/examples', `${name}.test.ts`)), `test/examples/${name}.test.ts`).toBe(true);
      expect(existsSync(resolve(root, 'examples', name, 'package-lock.json')), `examples/${name}/package-lock.json`).toBe(true);
    }
  });
});

describe('README: the path a newcomer walks (SPEC §13)', () => {
  const text = readme();
  const headings = text.split('\n').filter((line) => line.startsWith('## '));

  it('install, quick start, recipes, troubleshooting, then the references, contributing last', () => {
    const order = ['## Install', '## Quick start: a first answered chat in five steps', '## The inbox', '## Recipes', '## Troubleshooting', '## The widget', '## The server', '## Running in production', '## Configuration', '## Error codes', '## Design', '## Contributing'];
    expect(headings).toEqual(order);
  });

  it('its first command is npm install chatq; its test command is the line `npm test`', () => {
    expect(/```sh\n([^\n]*)/.exec(text)?.[1]).toBe('npm install chatq');
    expect(text.split('\n')).toContain('npm test');
  });

  it('the quick start has its five steps in order', () => {
    const steps = ['**1. Keys.**', '**2. The handler.**', '**3. Mount it**', '**4. A token endpoint.**', '**5. The snippet**'].map((step) => text.indexOf(step));
    expect(steps.every((at) => at > 0)).toBe(true);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    expect(steps[0]).toBeGreaterThan(text.indexOf('## Quick start'));
    expect(steps[4]).toBeLessThan(text.indexOf('## Recipes'));
  });

  it('troubleshooting covers explain, compression, the CSP nonce, no launcher and the refused origin', () => {
    const section = text.slice(text.indexOf('## Troubleshooting'), text.indexOf('## The widget'));
    for (const topic of ['npx chatq explain', 'compression()', 'nonce', 'No launcher', 'origin is not allowed']) expect(section).toContain(topic);
  });

  it('one environment variable name for the secret: CHATQ_HS256_SECRET', () => {
    expect(text).not.toMatch(/CHATQ_SECRET\b/);
    expect(text).toContain('CHATQ_HS256_SECRET');
  });
});
