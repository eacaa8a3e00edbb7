/**
 * `chatq` run in process: `main` from src/cli with an `Io` that collects
 * stdout and stderr, gives `input` as stdin and `env` as the environment.
 * The same command line as the bin, without spawning node for each one (61
 * spawns one after another timed out on a loaded machine). The bin itself is
 * spawned in test/cli/bin.test.ts.
 */
import { main } from '../../src/cli/index.js';

export interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `chatq ...args` with stdin `input` ('' as from an empty pipe) and only the variables in `env`. */
export async function runChatq(args: readonly string[], input = '', env: Record<string, string> = {}): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const status = await main(args, {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    stdin: async () => input,
    env,
  });
  return { status, stdout, stderr };
}
