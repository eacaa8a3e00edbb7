/**
 * One command's `run` called directly, with an `Io` that collects stdout and
 * stderr: what the command writes and the status it resolves to, or the
 * UsageError or UserError it throws (which `main`, tested through
 * test/cli/run.ts, turns into exit status 2 or 1). Also the fixed clock and
 * the temporary directory the command tests share.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, vi } from 'vitest';
import type { Command } from '../../src/cli/usage.js';

export interface Ran {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `command` with `args`, stdin `input` (undefined: a terminal) and only the variables in `env`. */
export async function runCommand(command: Command, args: string[], env: Record<string, string> = {}, input?: string): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const status = await command.run(args, {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    stdin: async () => input,
    env,
  });
  return { status, stdout, stderr };
}

/** A JWT's decoded header and payload (no check of any kind). */
export function decodeParts(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = jwt.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>);
  return { header: header!, payload: payload! };
}

/** Every test of the file runs with Date.now() at `nowSeconds` (only Date is faked: timers and I/O run as usual). */
export function useFixedClock(nowSeconds: number): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nowSeconds * 1000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

/** A new temporary directory for the file's tests, removed after them. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
