#!/usr/bin/env node
/**
 * Writes each example's package-lock.json after its package.json changed:
 * `node test/examples/lock.mjs TARBALL express fastify …` (TARBALL from
 * `npm pack`). The lock pins every dependency from the registry; chatq comes
 * from `file:chatq.tgz`, which the tests copy in from a fresh pack, so its
 * integrity is left out of the lock (it changes with every build).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [tarball, ...names] = process.argv.slice(2);
if (!tarball || names.length === 0) throw new Error('usage: node test/examples/lock.mjs TARBALL EXAMPLE…');
for (const name of names) {
  const dir = resolve(import.meta.dirname, '../../examples', name);
  copyFileSync(tarball, join(dir, 'chatq.tgz'));
  execFileSync('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
  const lockFile = join(dir, 'package-lock.json');
  const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
  delete lock.packages['node_modules/chatq'].integrity;
  writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
  rmSync(join(dir, 'chatq.tgz'));
}
