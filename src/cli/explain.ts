import { loadCommunityFile } from './community-file.js';
import { runChecks, type Check, type Report } from './explain-checks.js';
import { parse, UsageError, UserError, type Command } from './usage.js';

const HELP = `Usage: chatq explain [TOKEN] [--community FILE] [--json]
       echo "$TOKEN" | chatq explain --community FILE

Decodes a JWT and runs every check of the chatq verifier in order (mode, shape,
header, signature, claims, fields), printing each as passed or failed with its
error code, what to change and the likely cause. The checks are the real
verifier's. The token is read from stdin when not given as an argument.

Without --community, every check that needs no key is run; the signature is not
checked, and the defaults minTokenLifetime 3600 and clockTolerance 10 apply.

Exit status: 0 the token verifies; 1 a check failed; 2 bad arguments;
3 no check failed but the signature was not checked (no --community).

Options:
  --community FILE   the community file (JSON, as for defineCommunity)
  --json             print the report as JSON
  -h, --help         this text
`;

const MARK = { passed: 'passed ', failed: 'FAILED ', skipped: 'skipped' } as const;

function renderCheck(check: Check): string {
  const lines = [`  ${check.step}. ${check.name.padEnd(10)} ${MARK[check.status]}  ${check.status === 'failed' ? check.code : check.summary}`];
  if (check.message) lines.push(`       ${check.message}`);
  for (const cause of check.causes) {
    lines.push(`       ${check.status === 'failed' ? 'likely cause' : 'note'}: ${cause.cause}`);
    lines.push(`       fix: ${cause.fix}`);
  }
  return lines.join('\n');
}

function render(report: Report): string {
  const out: string[] = [];
  out.push(report.community ? `community "${report.community.id}" (${report.community.file})` : 'no --community: checks that need no key only');
  if (report.header) out.push(`header   ${JSON.stringify(report.header)}`, `payload  ${JSON.stringify(report.payload)}`);
  out.push('', ...report.checks.map(renderCheck));
  if (report.warnings.length > 0) {
    out.push('', 'warnings (values the verifier drops or ignores):');
    for (const warning of report.warnings) out.push(`  ${warning.code} ${warning.path}: ${warning.message}`);
  }
  const verdict = {
    verifies: 'The token verifies.',
    refused: 'The token would be refused.',
    unverified: 'No check failed, but the signature was not checked: run again with --community FILE.',
  }[report.verdict];
  out.push('', verdict, '');
  return out.join('\n');
}

export const EXIT = { verifies: 0, refused: 1, unverified: 3 } as const;

export const explain: Command = {
  name: 'explain',
  summary: 'say why a token verifies or not, check by check (exit 0 only if it verifies)',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parse(args, { community: { type: 'string' }, json: { type: 'boolean' } }, 1);
    if (values.help) return io.out(HELP), 0;
    const token = positionals[0] ?? (await io.stdin());
    if (token === undefined || token.trim() === '') throw new UsageError('give the token as an argument or on stdin.');
    let file;
    if (values.community !== undefined) {
      file = loadCommunityFile(values.community);
      if (!file.community) {
        const problems = file.problems.map((problem) => `  ${problem.path}: ${problem.message}`).join('\n');
        throw new UserError(`the community file ${JSON.stringify(values.community)} is not valid (chatq check shows the same):\n${problems}`);
      }
    }
    const report = await runChecks(token, file);
    io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : render(report));
    return EXIT[report.verdict];
  },
};
