import { isIdentityError } from '../identity/index.js';
import { signIdentity } from '../sign/index.js';
import { RS256_ONLY } from '../sign/key-type.js';
import { LIFETIME_MARGIN } from '../sign/lifetime.js';
import { readText } from './files.js';
import { describeJsonMistake } from './json-position.js';
import { SECRET_ARGUMENT_WARNING, SECRET_ENV, secretFromEnv } from './secret-env.js';
import { parse, required, UsageError, UserError, type Command } from './usage.js';

const HELP = `Usage: chatq sign --kid ID (--secret-env NAME | --key private.pem) --uuid U [--lifetime 2h] [--claims JSON]

Signs a test token with chatq/sign's signIdentity and prints it.

Options:
  --kid ID            the community key's id (jwtKeys[].id), case-sensitive
  --secret-env NAME   the environment variable holding the key's secret (24 or 64
                      characters 0-9 a-f), HS256; e.g. ${SECRET_ENV}
  --secret HEX        the secret itself: it then shows in the process list and your
                      shell history (a warning says so); prefer --secret-env
  --key FILE          an RSA private key (PEM), RS256
  --uuid U            the visitor's id in your system
  --lifetime T        seconds, or 90m, 2h, 1d (default 2h); at least the community's
                      minTokenLifetime + ${LIFETIME_MARGIN} s, the token's way to the server
  --claims JSON       more identity fields, e.g. '{"email":"a@example.com","extra_values":{"plan":"gold"}}'
  --min-lifetime S    your community's minTokenLifetime in seconds (default 3600)
  -h, --help          this text

Example:
  chatq sign --kid site_2026 --secret-env ${SECRET_ENV} --uuid 42 --claims '{"firstname":"Ada"}'
`;

function claimsOf(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`--claims is not valid JSON: ${describeJsonMistake(text)}.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError('--claims must be a JSON object, e.g. \'{"email":"a@example.com"}\'.');
  return value as Record<string, unknown>;
}

/**
 * Plain decimal seconds, a fraction allowed as --lifetime and minTokenLifetime allow one. Not Number(),
 * which also reads '0x10', '1e3' and ' 5 ': a typo there would become another minimum without a word.
 */
const DECIMAL_SECONDS = /^\d+(?:\.\d+)?$/;

export function minLifetime(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!DECIMAL_SECONDS.test(text)) throw new UsageError(`--min-lifetime must be a number of seconds, got ${JSON.stringify(text)}.`);
  return Number(text);
}

/**
 * signIdentity's words about its options, in this command's: privateKey is the file given with --key,
 * minTokenLifetime is --min-lifetime (sign passes no community).
 */
export function inOurWords(message: string, keyFile: string | undefined): string {
  const said = message.replace(/^minTokenLifetime\b/, '--min-lifetime');
  if (keyFile === undefined) return said;
  return said
    .replace(/^privateKey\b/, `the key file ${JSON.stringify(keyFile)}`)
    .replace(RS256_ONLY, `chatq signs with RS256: give an RSA key, or use --secret-env NAME (HS256, e.g. ${SECRET_ENV})`);
}

export const sign: Command = {
  name: 'sign',
  summary: 'sign a test token with a community key',
  help: HELP,
  async run(args, io) {
    const { values } = parse(args, {
      kid: { type: 'string' },
      secret: { type: 'string' },
      'secret-env': { type: 'string' },
      key: { type: 'string' },
      uuid: { type: 'string' },
      lifetime: { type: 'string' },
      claims: { type: 'string' },
      'min-lifetime': { type: 'string' },
    });
    if (values.help) return io.out(HELP), 0;
    const kid = required(values.kid, 'kid');
    const given = [values.secret, values['secret-env'], values.key].filter((value) => value !== undefined).length;
    if (given !== 1) throw new UsageError(`give --secret-env NAME (HS256, e.g. ${SECRET_ENV}) or --key private.pem (RS256), one of the two.`);
    if (values.secret !== undefined) io.err(SECRET_ARGUMENT_WARNING);
    const secret = values['secret-env'] !== undefined ? secretFromEnv(values['secret-env'], io.env) : values.secret;
    const uuid = required(values.uuid, 'uuid');
    const claims = claimsOf(values.claims);
    if (Object.hasOwn(claims, 'uuid')) throw new UsageError('give the uuid with --uuid, not in --claims.');
    const common = { kid, lifetime: values.lifetime ?? '2h', minTokenLifetime: minLifetime(values['min-lifetime']) };
    const identity = { ...claims, uuid };
    const warnings: string[] = [];
    const onWarning = (warning: { path: string; message: string }) => warnings.push(`${warning.path}: ${warning.message}`);
    let jwt: string;
    try {
      jwt = secret !== undefined
        ? await signIdentity(identity, { ...common, secret, onWarning })
        : await signIdentity(identity, { ...common, privateKey: readText(values.key!, 'key file'), onWarning });
    } catch (error) {
      if (isIdentityError(error)) throw new UserError(`${error.code}: ${error.message}`);
      if (error instanceof TypeError || error instanceof RangeError) throw new UsageError(inOurWords(error.message, values.key));
      throw error;
    }
    for (const warning of warnings) io.err(`warning: ${warning}\n`);
    io.out(`${jwt}\n`);
    return 0;
  },
};
