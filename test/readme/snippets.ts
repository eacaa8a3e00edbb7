/**
 * The README's server snippets, read out of README.md itself so that the
 * README and its test cannot drift. A snippet is a ```ts block right after an
 * HTML comment `<!-- snippet: NAME -->` (invisible on GitHub).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface Snippet {
  name: string;
  code: string;
}

const README = resolve(import.meta.dirname, '../../README.md');
const MARKER = /^<!-- snippet: ([a-z0-9-]+) -->$/;

export function readme(): string {
  return readFileSync(README, 'utf8');
}

/** Every marked snippet, in README order. Throws on a marker not followed by a ```ts block. */
export function snippets(text = readme()): Snippet[] {
  const lines = text.split('\n');
  const found: Snippet[] = [];
  lines.forEach((line, index) => {
    const name = MARKER.exec(line)?.[1];
    if (name === undefined) return;
    if (lines[index + 1] !== '```ts') throw new Error(`README: <!-- snippet: ${name} --> must be followed by a \`\`\`ts line`);
    const end = lines.indexOf('```', index + 2);
    if (end === -1) throw new Error(`README: snippet ${name} has no closing fence`);
    found.push({ name, code: `${lines.slice(index + 2, end).join('\n')}\n` });
  });
  return found;
}

/** The ```ts blocks of the README section that starts at `heading` (up to the next heading of its level), marked or not. */
export function typeScriptBlocksIn(heading: string, text = readme()): { marked: boolean; firstLine: string }[] {
  const lines = text.split('\n');
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`README: no heading ${heading}`);
  const level = heading.split(' ')[0]!;
  const after = lines.slice(start + 1).findIndex((line) => line.startsWith(`${level} `));
  const section = lines.slice(start + 1, after === -1 ? undefined : start + 1 + after);
  return section.flatMap((line, index) => (line === '```ts' ? [{ marked: MARKER.test(section[index - 1] ?? ''), firstLine: section[index + 1] ?? '' }] : []));
}

/**
 * The snippet with each `// or: CODE` line put in place of the line above it:
 * the alternatives a snippet offers run too. The original is not among them.
 */
export function alternatives(snippet: Snippet): Snippet[] {
  const lines = snippet.code.split('\n');
  return lines.flatMap((line, index) => {
    const alternative = /^(\s*)\/\/ or: (.+)$/.exec(line);
    if (!alternative || index === 0) return [];
    return [[...lines.slice(0, index - 1), `${alternative[1]}${alternative[2]}`, ...lines.slice(index + 1)].join('\n')];
  }).map((code, index) => ({ name: `${snippet.name}.or${index + 1}`, code }));
}
