import { UsageError, UserError } from './usage.js';

/**
 * The one name for the HS256 secret's environment variable (issue 17): what
 * `keygen` suggests, what `sign` and `explain --secret-env` show in their
 * help, what the README and its tested snippets read.
 */
export const SECRET_ENV = 'CHATQ_HS256_SECRET';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** A community secret (24 or 64 hex characters), given where a variable's name belongs. */
const LOOKS_LIKE_SECRET = /^(?:[0-9a-fA-F]{24}|[0-9a-fA-F]{64})\s*$/;

/**
 * The secret in the environment variable `name` (`--secret-env NAME`): the
 * way to give a secret that keeps it out of the process list and the shell
 * history. Never quotes what it was given if that looks like the secret itself.
 */
export function secretFromEnv(name: string, env: Readonly<Record<string, string | undefined>>): string {
  if (LOOKS_LIKE_SECRET.test(name)) {
    throw new UsageError(`--secret-env takes the name of an environment variable, and this looks like a secret itself: write --secret-env ${SECRET_ENV} (without $).`);
  }
  if (!ENV_NAME.test(name)) {
    throw new UsageError(`--secret-env takes the name of an environment variable (letters, digits, _), e.g. --secret-env ${SECRET_ENV} (without $).`);
  }
  const value = env[name];
  if (value === undefined || value === '') throw new UserError(`the environment variable ${name} (--secret-env) is not set or is empty.`);
  return value;
}

/** Said on stderr when `--secret` is used: the secret is now in `ps` output and in the shell's history. */
export const SECRET_ARGUMENT_WARNING =
  `warning: --secret puts the secret in the process list (ps) and your shell history; use --secret-env ${SECRET_ENV} instead.\n`;
