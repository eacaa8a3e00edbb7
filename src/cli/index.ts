/**
 * `npx chatq` (SPEC §9): tools for integrators. One file per command; this one
 * dispatches and turns user mistakes into messages, never stack traces.
 * Importing it runs nothing: `bin.ts` (dist/cli.js) calls `main` with the
 * process's streams, and the tests call it in process with their own `Io`.
 */
import { check } from './check.js';
import { explain } from './explain.js';
import { keygen } from './keygen.js';
import { sign } from './sign.js';
import { UsageError, UserError, type Command, type Io } from './usage.js';
import { webhook } from './webhook.js';

export type { Io } from './usage.js';

const COMMANDS: readonly Command[] = [keygen, sign, explain, check, webhook];

const HELP = `Usage: chatq <command> [options]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(9)}${command.summary}`).join('\n')}

Run chatq <command> --help for a command's options.
`;

/** Runs one command line (without `node chatq`) and resolves to the exit status; writes only through `io`. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    io.err(`chatq: unknown command ${JSON.stringify(name)}.\n\n${HELP}`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`chatq ${name}: ${error.message}\nRun chatq ${name} --help for usage.\n`);
      return 2;
    }
    if (error instanceof UserError) {
      io.err(`chatq ${name}: ${error.message}\n`);
      return 1;
    }
    // A bug, not a user mistake: say so, with the stack only when asked for.
    io.err(`chatq ${name}: unexpected error: ${(error as Error)?.message ?? String(error)}\nPlease report it; set CHATQ_DEBUG=1 for details.\n`);
    if (io.env.CHATQ_DEBUG) io.err(`${(error as Error)?.stack}\n`);
    return 1;
  }
}
