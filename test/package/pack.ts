/**
 * Packs chatq as `npm pack` does from a fresh clone: the files git tracks (and
 * new ones not ignored) are copied to a temp dir without dist/, the checkout's
 * node_modules is linked in (what `npm ci` would install), and `npm pack` runs
 * there, so its `prepare` script must build dist/ for the package to work.
 * Nothing touches this checkout's dist/, which other tests read meanwhile.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const root = resolve(import.meta.dirname, '../..');

/** The environment for npm in tests: no audit, no fund, no update notice. */
export const npmEnv = {
  ...process.env,
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  npm_config_loglevel: 'error',
};

/** The checkout as a fresh clone has it: tracked and untracked-but-not-ignored files. */
async function cloneFiles(): Promise<string[]> {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, maxBuffer: 64 << 20 });
  return stdout.split('\0').filter((path) => path && !path.startsWith('dist/') && !path.startsWith('examples/') && existsSync(join(root, path)));
}

/** Packs a fresh copy of the checkout into `destination`; the path of the .tgz. */
export async function packTarball(destination: string): Promise<string> {
  const clone = mkdtempSync(join(tmpdir(), 'chatq-clone-'));
  try {
    for (const path of await cloneFiles()) {
      mkdirSync(dirname(join(clone, path)), { recursive: true });
      cpSync(join(root, path), join(clone, path), { errorOnExist: false, force: true });
    }
    symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir');
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', destination], {
      cwd: clone,
      env: npmEnv,
      timeout: 300_000,
      maxBuffer: 64 << 20,
    });
    const [packed] = JSON.parse(stdout.slice(stdout.search(/^\[\s*\{/m))) as { filename: string }[];
    return join(destination, packed!.filename);
  } finally {
    rmSync(clone, { recursive: true, force: true });
  }
}
