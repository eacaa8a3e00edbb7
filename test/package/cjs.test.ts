/**
 * SPEC §7: `require('chatq/server')` works from CommonJS (Node ≥ 20.19 can
 * require an ES module without a flag), as do `chatq/redis`, `chatq/sqlite` and `chatq/sign`.
 * A fresh CommonJS project in a temp dir requires the package by name through
 * `node_modules/chatq` (a link to this checkout, as `npm link` makes), so the
 * exports map is what resolves it. Uses the built dist (`npm test` builds first).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
let project: string;

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'chatq-cjs-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'cjs-app', private: true, type: 'commonjs' }));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(root, join(project, 'node_modules', 'chatq'), 'dir');
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

/** Runs `source` as `main.cjs` in the CommonJS project; its stdout's last line as JSON. */
async function runCjs(source: string): Promise<any> {
  const file = join(project, 'main.cjs');
  writeFileSync(file, source);
  const { stdout } = await run(process.execPath, [file], { cwd: project, timeout: 20_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

describe('CommonJS: require() of the package entry points', () => {
  it("require('chatq/server') gives a handler that answers a Request", async () => {
    const out = await runCjs(`
      const server = require('chatq/server');
      const { createMessagingHandler, createVerifier, defineCommunity } = server;
      const { toNodeListener } = require('chatq/node');
      const handler = createMessagingHandler({
        verifier: createVerifier(defineCommunity({ signedIdentities: 'reject', jwtKeys: [] })),
        allowedOrigins: ['https://shop.test'],
        logger: { warn() {} },
      });
      handler(new Request('https://chat.test/v1/identity', {
        method: 'POST',
        headers: { Origin: 'https://shop.test', 'Content-Type': 'application/json' },
        body: JSON.stringify({ automatedUuid: 'AAAAAAAAAAAAAAAAAAAAAAAA' }),
      })).then(async (response) => {
        const body = await response.json();
        handler.close();
        console.log(JSON.stringify({
          createMessagingHandler: typeof createMessagingHandler,
          toNodeListener: typeof toNodeListener,
          status: response.status,
          hasSession: typeof body.session === 'string',
        }));
      });
    `);
    expect(out).toEqual({ createMessagingHandler: 'function', toNodeListener: 'function', status: 200, hasSession: true });
  });

  it('a TypeScript CommonJS project (module nodenext) type-checks against chatq/server and runs', async () => {
    writeFileSync(
      join(project, 'main.ts'),
      [
        "import { createMessagingHandler, type MessagingHandler } from 'chatq/server';",
        "import { toNodeListener } from 'chatq/node';",
        'const make: typeof createMessagingHandler = createMessagingHandler;',
        'const handler: MessagingHandler | undefined = undefined;',
        'console.log(JSON.stringify({ createMessagingHandler: typeof make, toNodeListener: typeof toNodeListener, handler: typeof handler }));',
      ].join('\n'),
    );
    const compilerOptions = { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], types: [], strict: true, skipLibCheck: true, outDir: 'out' };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['main.ts'] }));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    await run(process.execPath, [tsc, '-p', project], { cwd: project, timeout: 60_000 });
    const { stdout } = await run(process.execPath, [join(project, 'out', 'main.js')], { cwd: project, timeout: 20_000 });
    expect(JSON.parse(stdout)).toEqual({ createMessagingHandler: 'function', toNodeListener: 'function', handler: 'undefined' });
  }, 90_000);

  it("require('chatq/redis'), require('chatq/sqlite') and require('chatq/sign') resolve too", async () => {
    const out = await runCjs(`
      console.log(JSON.stringify({
        createRedisEngine: typeof require('chatq/redis').createRedisEngine,
        createSqliteEngine: typeof require('chatq/sqlite').createSqliteEngine,
        signIdentity: typeof require('chatq/sign').signIdentity,
      }));
    `);
    expect(out).toEqual({ createRedisEngine: 'function', createSqliteEngine: 'function', signIdentity: 'function' });
  });

  it("require('chatq/sqlite') opens a file and keeps a conversation across engines", async () => {
    const out = await runCjs(`
      const { createSqliteEngine } = require('chatq/sqlite');
      const path = require('node:path').join(process.cwd(), 'cjs.db');
      (async () => {
        const identity = { uuid: 'u', uuidSource: 'automated', signed: false, fields: {}, customFields: {}, extraValues: {}, warnings: [] };
        const first = createSqliteEngine({ path });
        const { id } = await first.store.upsertConversation('acme', 'browser:b', identity, 1000);
        await first.store.appendMessage(id, { author: 'visitor', body: 'hello from CommonJS', createdAt: 1001 });
        await first.close();
        const second = createSqliteEngine({ path });
        const messages = await second.store.listMessages(id);
        await second.close();
        console.log(JSON.stringify({ bodies: messages.map((m) => m.body) }));
      })();
    `);
    expect(out).toEqual({ bodies: ['hello from CommonJS'] });
  });
});
