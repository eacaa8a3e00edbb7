/**
 * Issue 21 item 6: a smaller surface. `chatq/server` exports what
 * integrators use; the Node adapter is `chatq/node`, and a Workers or Deno
 * bundle of `chatq/server` carries none of it: neither dist/server.js nor any
 * chunk it imports holds the adapter's code. The adapter's wire protocol with
 * the handler (Reply, ByteSink, EventStream) is internal. Reads the built
 * dist/ (`npm test` builds first); `node test/package/count-exports.mjs`
 * prints the counts.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script, also run on its own.
import { exportsByEntry } from './count-exports.mjs';

const root = resolve(import.meta.dirname, '../..');
const byEntry = exportsByEntry(root) as Record<string, string[]>;

/** A built file and every chunk it imports, statically, at any depth. */
function importGraph(file: string, seen = new Map<string, string>()): Map<string, string> {
  if (seen.has(file)) return seen;
  const code = readFileSync(file, 'utf8');
  seen.set(file, code);
  for (const [, spec] of code.matchAll(/^(?:import|export)\b[^'"]*?['"](\.{1,2}\/[^'"]+)['"]/gm)) importGraph(resolve(dirname(file), spec!), seen);
  return seen;
}

/** Names only the adapter's code has (its classes, its entry, its error messages). */
const ADAPTER_MARKS = ['toNodeListener: pass the handler', 'class NodeRequest', 'class BodyReader', 'function toNodeListener', 'writeReply'];

describe('chatq/node carries the Node adapter, chatq/server does not', () => {
  it('dist/server.js and every chunk it imports hold none of the adapter', () => {
    const graph = importGraph(resolve(root, 'dist/server.js'));
    expect(graph.size).toBeGreaterThan(1);
    for (const [file, code] of graph) for (const mark of ADAPTER_MARKS) expect(code.includes(mark), `${file} holds ${mark}`).toBe(false);
  });

  it('dist/node.js does hold it (the marks above are real)', () => {
    const code = [...importGraph(resolve(root, 'dist/node.js')).values()].join('\n');
    for (const mark of ADAPTER_MARKS) expect(code).toContain(mark);
  });

  it('chatq/node exports toNodeListener and its option types, nothing else', () => {
    expect(byEntry['chatq/node']).toEqual(['NodeListener', 'NodeListenerOptions', 'NodeServedHandler', 'toNodeListener']);
  });

  it('chatq/server exports neither the adapter nor its Reply protocol', () => {
    const server = byEntry['chatq/server']!;
    for (const name of ['toNodeListener', 'NodeListener', 'NodeListenerOptions', 'NodeServedHandler', 'Reply', 'ReplyBody', 'ByteSink', 'EventStream']) {
      expect(server, name).not.toContain(name);
    }
    expect(server).toEqual(expect.arrayContaining(['createMessagingHandler', 'createVerifier', 'defineCommunity', 'ChatqError', 'IdentityError', 'MessagingConfigError', 'EngineError']));
  });

  it('package.json maps chatq/node to the built entry and its types', () => {
    const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string>> };
    expect(manifest.exports['./node']).toEqual({ types: './dist/types/server/node/index.d.ts', import: './dist/node.js', require: './dist/node.js', default: './dist/node.js' });
  });
});
