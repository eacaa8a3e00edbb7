import { isIdentityError } from '../identity/index.js';
import { signIdentity } from '../sign/index.js';
import { readText } from './files.js';
import { parse, required, UsageError, UserError, type Command } from './usage.js';

const HELP = `Usage: chatq sign --kid ID (--secret HEX | --key private.pem) --uuid U [--lifetime 2h] [--claims JSON]

Signs a test token with chatq/sign's signIdentity and prints it.

Options:
  --kid ID            the community key's id (jwtKeys[].id), case-sensitive
  --secret HEX        the key's secret (24 or 64 characters 0-9 a-f), HS256
  --key FILE          an RSA private key (PEM), RS256
  --uuid U            the visitor's id in your system
  --lifetime T        seconds, or 90m, 2h, 1d (default 2h)
  --claims JSON       more identity fields, e.g. '{"email":"a@example.com","extra_values":{"plan":"gold"}}'
  --min-lifetime S    your community's minTokenLifetime in seconds (default 3600)
  -h, --help          this text

Example:
  chatq sign --kid site_2026 --secret "$CHATQ_SECRET" --uuid 42 --claims '{"firstname":"Ada"}'
`;

function claimsOf(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--claims is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError('--claims must be a JSON object, e.g. \'{"email":"a@example.com"}\'.');
  return value as Record<string, unknown>;
}

function minLifetime(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) throw new UsageError(`--min-lifetime must be a number of seconds, got ${JSON.stringify(text)}.`);
  return value;
}

export const sign: Command = {
  name: 'sign',
  summary: 'sign a test token with a community key',
  help: HELP,
  async run(args, io) {
    const { values } = parse(args, {
      kid: { type: 'string' },
      secret: { type: 'string' },
      key: { type: 'string' },
      uuid: { type: 'string' },
      lifetime: { type: 'string' },
      claims: { type: 'string' },
      'min-lifetime': { type: 'string' },
    });
    if (values.help) return io.out(HELP), 0;
    const kid = required(values.kid, 'kid');
    if ((values.secret === undefined) === (values.key === undefined)) throw new UsageError('give --secret HEX (HS256) or --key private.pem (RS256), one of the two.');
    const uuid = required(values.uuid, 'uuid');
    const claims = claimsOf(values.claims);
    if (Object.hasOwn(claims, 'uuid')) throw new UsageError('give the uuid with --uuid, not in --claims.');
    const common = { kid, lifetime: values.lifetime ?? '2h', minTokenLifetime: minLifetime(values['min-lifetime']) };
    const identity = { ...claims, uuid };
    const warnings: string[] = [];
    const onWarning = (warning: { path: string; message: string }) => warnings.push(`${warning.path}: ${warning.message}`);
    let jwt: string;
    try {
      jwt = values.secret !== undefined
        ? await signIdentity(identity, { ...common, secret: values.secret, onWarning })
        : await signIdentity(identity, { ...common, privateKey: readText(values.key!, 'key file'), onWarning });
    } catch (error) {
      if (isIdentityError(error)) throw new UserError(`${error.code}: ${error.message}`);
      if (error instanceof TypeError || error instanceof RangeError) throw new UsageError(error.message);
      throw error;
    }
    for (const warning of warnings) io.err(`warning: ${warning}\n`);
    io.out(`${jwt}\n`);
    return 0;
  },
};
