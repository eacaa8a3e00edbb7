/**
 * The `chatq` executable (dist/cli.js): the process's streams, environment
 * and exit status around `main`, which does the work and can be run in process.
 */
import { main } from './index.js';
import type { Io } from './usage.js';

async function readStdin(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const io: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  stdin: readStdin,
  env: process.env,
};

main(process.argv.slice(2), io).then((status) => {
  process.exitCode = status;
});
