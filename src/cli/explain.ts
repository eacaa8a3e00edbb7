import { decodeJwt } from '../identity/index.js';
import { KEY_ID } from '../sign/key.js';
import { communityFromEnv, CommunityFileError, communityReport, loadCommunityFile, problemLines, unreadableCommunity, type CommunityFile } from './community-file.js';
import { runChecks, type Check, type Report } from './explain-checks.js';
import { SECRET_ENV, secretFromEnv } from './secret-env.js';
import { minLifetime } from './sign.js';
import { parse, UsageError, UserError, type Command, type Io } from './usage.js';

const HELP = `Usage: chatq explain [TOKEN] [--secret-env NAME [--kid ID] | --community FILE] [--json]
       echo "$TOKEN" | chatq explain --secret-env ${SECRET_ENV}

Decodes a JWT and runs every check of the chatq verifier in order (mode, shape,
header, signature, claims, fields), printing each as passed or failed with its
error code, what to change and the likely cause. The checks are the real
verifier's. The token is read from stdin when not given as an argument.

With --secret-env, the community is made from the environment and the token
alone (no file written): one HS256 key, the secret read from the variable NAME,
its id --kid (default: the token's own kid, which is then not checked).
Without --secret-env or --community, every check that needs no key is run; the
signature is not checked. The defaults minTokenLifetime 3600 and
clockTolerance 10 apply unless the community file says otherwise.

Exit status: 0 the token verifies; 1 a check failed; 2 bad arguments;
3 no check failed but the signature was not checked (no key given).

Options:
  --secret-env NAME  the environment variable holding the HS256 secret, e.g. ${SECRET_ENV}
  --kid ID           the key's id in your community (jwtKeys[].id)
  --min-lifetime S   your community's minTokenLifetime in seconds (default 3600)
  --community FILE   a community file (JSON, as for defineCommunity), in place of --secret-env
  --json             print the report as JSON; when the community cannot be used (a file
                     unreadable or invalid, the variable not set), what chatq check --json
                     prints of it: { file, valid: false, problems: [{ path, code, message }] … }
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

function render(report: Report, note: string | undefined): string {
  const out: string[] = [];
  out.push(report.community ? `community "${report.community.id}" (${report.community.file})` : 'no key given (--secret-env or --community): checks that need no key only');
  if (note) out.push(note);
  if (report.header) out.push(`header   ${JSON.stringify(report.header)}`, `payload  ${JSON.stringify(report.payload)}`);
  out.push('', ...report.checks.map(renderCheck));
  if (report.warnings.length > 0) {
    out.push('', 'warnings (values the verifier drops or ignores):');
    for (const warning of report.warnings) out.push(`  ${warning.code} ${warning.path}: ${warning.message}`);
  }
  const verdict = {
    verifies: 'The token verifies.',
    refused: 'The token would be refused.',
    unverified: `No check failed, but the signature was not checked: run again with --secret-env ${SECRET_ENV} (or --community FILE).`,
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
    const { values, positionals } = parse(args, {
      community: { type: 'string' },
      'secret-env': { type: 'string' },
      kid: { type: 'string' },
      'min-lifetime': { type: 'string' },
      json: { type: 'boolean' },
    }, 1);
    if (values.help) return io.out(HELP), 0;
    const token = positionals[0] ?? (await io.stdin());
    if (token === undefined || token.trim() === '') throw new UsageError('give the token as an argument or on stdin.');
    let chosen: { file?: CommunityFile; note?: string };
    try {
      chosen = communityOf(values, token, io.env);
    } catch (error) {
      // --json: one JSON document on stdout, what check --json prints of the community it cannot use; exit 1 as ever.
      if (!values.json || !(error instanceof CommunityFileError)) throw error;
      io.out(`${JSON.stringify(communityReport(error.file), null, 2)}\n`);
      return 1;
    }
    const { file, note } = chosen;
    const report = await runChecks(token, file);
    io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : render(report, note));
    return EXIT[report.verdict];
  },
};

interface Given {
  community?: string;
  'secret-env'?: string;
  kid?: string;
  'min-lifetime'?: string;
}

/** The community to check against: a file, the environment, or none (checks that need no key). */
function communityOf(values: Given, token: string, env: Io['env']): { file?: CommunityFile; note?: string } {
  const fromEnv = values['secret-env'];
  if (values.community !== undefined && fromEnv !== undefined) throw new UsageError('give --community FILE or --secret-env NAME, not both.');
  if (fromEnv === undefined && (values.kid !== undefined || values['min-lifetime'] !== undefined)) {
    throw new UsageError(`--kid and --min-lifetime go with --secret-env NAME (e.g. ${SECRET_ENV}); a community file has its own.`);
  }
  if (values.community !== undefined) return { file: valid(loadCommunityFile(values.community), `the community file ${JSON.stringify(values.community)}`) };
  if (fromEnv === undefined) return {};
  const secret = secretOf(fromEnv, env);
  const tokenKid = kidOf(token);
  let kid = values.kid;
  let note: string | undefined;
  if (kid === undefined && tokenKid !== undefined && KEY_ID.test(tokenKid)) {
    kid = tokenKid;
    note = `key id "${tokenKid}" taken from the token (not checked: give --kid ID to check it)`;
  } else if (kid === undefined) {
    // The header check says what is wrong with the token's kid; the key needs an id all the same.
    note = 'the token names no usable key id: give --kid ID to check the signature';
  }
  const file = communityFromEnv(fromEnv, secret, kid ?? 'chatq_explain', minLifetime(values['min-lifetime']));
  return { file: valid(file, `the key from --secret-env ${fromEnv}`), note };
}

/** The secret in the variable; a variable that is not set is the community's one problem, at `$NAME`. */
function secretOf(name: string, env: Io['env']): string {
  try {
    return secretFromEnv(name, env);
  } catch (error) {
    if (error instanceof UserError) throw unreadableCommunity(`$${name}`, `$${name}`, error);
    throw error;
  }
}

/** The token's kid, when its header can be read and names one. */
function kidOf(token: string): string | undefined {
  try {
    const kid = decodeJwt(token.trim()).header.kid;
    return typeof kid === 'string' && kid !== '' ? kid : undefined;
  } catch {
    return undefined;
  }
}

function valid(file: CommunityFile, what: string): CommunityFile {
  if (file.community) return file;
  throw new CommunityFileError(`${what} is not valid (chatq check shows the same for a file):\n${problemLines(file.problems).trimEnd()}`, file);
}
