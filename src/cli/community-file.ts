import { isIdentityError } from '../identity/index.js';
import { defineCommunity, type Community, type CommunityConfig, type ConfigProblem } from '../server/index.js';
import { readJson } from './files.js';
import { UserError } from './usage.js';

export interface CommunityFile {
  path: string;
  /** The file's object, `$schema` left out (it is for editors). */
  config: Record<string, unknown>;
  community?: Community;
  /** Every problem, each with its path, code and message: one shape whether the community came from a file or the environment. */
  problems: ConfigProblem[];
  /** What defineCommunity printed as a warning (e.g. 'accept' is deprecated). */
  warnings: string[];
}

/**
 * A community that cannot be used: a file that cannot be read or is not JSON,
 * a variable that is not set, problems. Printed as its message (a UserError,
 * exit 1); with --json, `file` is printed instead, as `chatq check --json`
 * prints any community file (communityReport).
 */
export class CommunityFileError extends UserError {
  constructor(message: string, readonly file: CommunityFile) {
    super(message);
  }
}

/**
 * The community file (or variable) `path` as one problem at `at`, with the code
 * of every community problem: nothing of it could be read.
 */
export function unreadableCommunity(path: string, at: string, error: UserError): CommunityFileError {
  return new CommunityFileError(error.message, { path, config: {}, problems: [{ path: at, code: 'ERR_COMMUNITY_INVALID', message: error.message }], warnings: [] });
}

/**
 * Reads a community file and defines it with the server's own
 * `defineCommunity`, so every rule and message is the verifier's (SPEC §3).
 * A file that cannot be read or is not JSON: a CommunityFileError, its one problem at `config`.
 */
export function loadCommunityFile(path: string): CommunityFile {
  let value: unknown;
  try {
    value = readJson(path, 'community file');
  } catch (error) {
    if (error instanceof UserError) throw unreadableCommunity(path, 'config', error);
    throw error;
  }
  return defineFrom(path, value);
}

/** What `chatq check --json` prints of a community file, and `explain --json` of one it cannot use: never a secret. */
export function communityReport(file: CommunityFile): object {
  const community = file.community
    ? { id: file.community.id, signedIdentities: file.community.signedIdentities, keys: file.community.keys, minTokenLifetime: file.community.minTokenLifetime, clockTolerance: file.community.clockTolerance }
    : null;
  return { file: file.path, valid: !!file.community, problems: file.problems, warnings: file.warnings, community };
}

/**
 * SPEC §13: the community `explain --secret-env NAME --kid ID` checks
 * against, made from the environment alone: one HS256 key, the SPEC's
 * defaults, and `minTokenLifetime` when given. No file is written; the
 * secret stays in this process.
 */
export function communityFromEnv(name: string, secret: string, kid: string, minTokenLifetime: number | undefined): CommunityFile {
  const config = { jwtKeys: [{ id: kid, secret }], ...(minTokenLifetime === undefined ? {} : { minTokenLifetime }) };
  const file = defineFrom(`$${name}`, config);
  // The problems name the file's paths; here the key is the variable and the option.
  const renamed = (path: string) => path.replace(/^jwtKeys\[0\]\.secret$/, `$${name}`).replace(/^jwtKeys\[0\]\.id$/, '--kid').replace(/^minTokenLifetime$/, '--min-lifetime');
  return { ...file, problems: file.problems.map((problem) => ({ ...problem, path: renamed(problem.path) })) };
}

function defineFrom(path: string, value: unknown): CommunityFile {
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  const config: Record<string, unknown> = isObject ? { ...(value as Record<string, unknown>) } : {};
  // `$schema` points editors at community.schema.json; it is not a community option.
  delete config.$schema;
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' ').replace(/^chatq: /, ''));
  try {
    const community = defineCommunity((isObject ? config : value) as CommunityConfig);
    return { path, config, community, problems: [], warnings };
  } catch (error) {
    if (!isIdentityError(error)) throw error;
    const problems = error.problems.length > 0 ? [...error.problems] : [{ path: error.path ?? 'config', code: error.code, message: error.message }];
    return { path, config, problems, warnings };
  } finally {
    console.warn = warn;
  }
}

/** The problems as `chatq check` and `chatq explain` print them: one `  path: message` line each. */
export function problemLines(problems: readonly ConfigProblem[]): string {
  return problems.map((problem) => `  ${problem.path}: ${problem.message}\n`).join('');
}
