/**
 * One command's `run` called directly, with an `Io` that collects stdout and
 * stderr: what the command writes and the status it resolves to, or the
 * UsageError or UserError it throws (which `main`, tested through
 * test/cli/run.ts, turns into exit status 2 or 1).
 */
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
