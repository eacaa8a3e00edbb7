import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in how the command was called: printed with the command's usage line, exit status 2, no stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A mistake the user can fix (a missing file, bad JSON…): printed as a message, exit status 1, no stack. */
export class UserError extends Error {
  override readonly name = 'UserError';
}

export interface Command {
  readonly name: string;
  /** One line for `chatq --help`. */
  readonly summary: string;
  /** The whole text of `chatq <name> --help`. */
  readonly help: string;
  /** Resolves to the exit status. */
  run(args: string[], io: Io): Promise<number>;
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Everything on stdin, or `undefined` when stdin is a terminal. */
  stdin(): Promise<string | undefined>;
  /** The environment `--secret-env NAME` and `CHATQ_DEBUG` are read from (injected, so tests run commands in process). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, strict, with its errors turned into UsageErrors worded for people. */
export function parse<O extends Options>(args: string[], options: O, positionals = 0) {
  const all = { ...options, help: { type: 'boolean', short: 'h' } } as O & { help: { type: 'boolean'; short: 'h' } };
  let parsed;
  try {
    parsed = parseArgs({ args, options: all, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '.');
    throw new UsageError(message);
  }
  if (!(parsed.values as { help?: boolean }).help && parsed.positionals.length > positionals) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[positionals])}.`);
  }
  return parsed;
}

/** The value of a string option, or a UsageError naming it when it is required and missing. */
export function required(value: string | boolean | (string | boolean)[] | undefined, name: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new UsageError(`--${name} is required.`);
}
