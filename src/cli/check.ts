import { CommunityFileError, communityReport, loadCommunityFile, problemLines, type CommunityFile } from './community-file.js';
import { parse, UsageError, type Command } from './usage.js';

const HELP = `Usage: chatq check FILE [--json]

Validates a community file (JSON) with chatq's own defineCommunity and prints
every problem with its path. A "$schema" member is allowed (for editors).

Exit status: 0 the file is valid; 1 it has problems or cannot be read; 2 bad arguments.

Options:
  --json      print { file, valid, problems: [{ path, code, message }], warnings, community },
              also for a file that cannot be read or is not JSON (its one problem at "config")
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
    let file: CommunityFile;
    try {
      file = loadCommunityFile(path);
    } catch (error) {
      // --json: one JSON document on stdout whatever happens to the file, the exit status unchanged.
      if (!values.json || !(error instanceof CommunityFileError)) throw error;
      file = error.file;
    }
    const community = file.community;
    if (values.json) {
      io.out(`${JSON.stringify(communityReport(file), null, 2)}\n`);
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
