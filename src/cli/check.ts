import { loadCommunityFile, problemLines } from './community-file.js';
import { parse, UsageError, type Command } from './usage.js';

const HELP = `Usage: chatq check FILE [--json]

Validates a community file (JSON) with chatq's own defineCommunity and prints
every problem with its path. A "$schema" member is allowed (for editors).

Exit status: 0 the file is valid; 1 it has problems or cannot be read; 2 bad arguments.

Options:
  --json      print { file, valid, problems: [{ path, code, message }], warnings, community }
  -h, --help  this text
`;

export const check: Command = {
  name: 'check',
  summary: 'validate a community file, with every problem and its path',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parse(args, { json: { type: 'boolean' } }, 1);
    if (values.help) return io.out(HELP), 0;
    const path = positionals[0];
    if (path === undefined) throw new UsageError('give the community file to check.');
    const file = loadCommunityFile(path);
    const community = file.community
      ? { id: file.community.id, signedIdentities: file.community.signedIdentities, keys: file.community.keys, minTokenLifetime: file.community.minTokenLifetime, clockTolerance: file.community.clockTolerance }
      : null;
    if (values.json) {
      io.out(`${JSON.stringify({ file: path, valid: !!file.community, problems: file.problems, warnings: file.warnings, community }, null, 2)}\n`);
    } else if (community) {
      const keys = community.keys.map((key) => `${key.id} (${key.alg}${key.bits ? ` ${key.bits} bit` : ''})`).join(', ') || 'none';
      io.out(`${path}: valid. Community "${community.id}", signedIdentities '${community.signedIdentities}', keys ${keys}, minTokenLifetime ${community.minTokenLifetime} s, clockTolerance ${community.clockTolerance} s.\n`);
      for (const warning of file.warnings) io.out(`warning: ${warning}\n`);
    } else {
      io.out(`${path}: ${file.problems.length === 1 ? '1 problem' : `${file.problems.length} problems`}\n${problemLines(file.problems)}`);
    }
    return file.community ? 0 : 1;
  },
};
