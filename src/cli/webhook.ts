import { randomBytes } from 'node:crypto';
import { verifyWebhook } from '../server/webhooks/verify.js';
import { readText } from './files.js';
import { secretFromEnv } from './secret-env.js';
import { parse, UsageError, UserError, type Command } from './usage.js';

/** The webhook secret's environment variable in every example (README, keygen, --help). */
export const WEBHOOK_SECRET_ENV = 'CHATQ_WEBHOOK_SECRET';

const HELP = `Usage:
  chatq webhook secret
  chatq webhook verify --secret-env NAME --headers FILE [--body FILE]

secret   makes a Standard Webhooks secret (whsec_ + 32 random bytes) for
         createMessagingHandler({ webhooks: [{ url, secret }] }).
verify   checks one delivery as a receiver must, and says why it fails:
         the secret's form, the webhook-* headers, the timestamp's replay
         window, and a signature that only matches a changed body (a final
         line break, JSON parsed and stringified again) or a secret used as
         plain text.

Options of verify:
  --secret-env NAME  the environment variable holding the whsec_ secret
                     (e.g. ${WEBHOOK_SECRET_ENV}); kept out of ps and your history
  --headers FILE     the delivery's headers: "name: value" lines (as curl -D
                     writes them) or a JSON object
  --body FILE        the raw body; default: standard input
  -h, --help         this text
`;

export const webhook: Command = {
  name: 'webhook',
  summary: 'make a webhook secret, or check a delivery and say why its signature fails',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parse(args, { 'secret-env': { type: 'string' }, headers: { type: 'string' }, body: { type: 'string' } }, 1);
    if (values.help) return io.out(HELP), 0;
    if (positionals[0] === 'secret') {
      io.out(
        `whsec_${randomBytes(32).toString('base64')}\n\n` +
          `Keep it in the environment variable ${WEBHOOK_SECRET_ENV} on the chat server and the receiver:\n` +
          `  createMessagingHandler({ ..., webhooks: [{ url: 'https://…/chatq-events', secret: process.env.${WEBHOOK_SECRET_ENV} }] })\n`,
      );
      return 0;
    }
    if (positionals[0] !== 'verify') throw new UsageError(positionals[0] === undefined ? 'say secret or verify.' : `unknown action ${JSON.stringify(positionals[0])}; use secret or verify.`);
    if (!values['secret-env']) throw new UsageError(`--secret-env is required (e.g. --secret-env ${WEBHOOK_SECRET_ENV}).`);
    if (!values.headers) throw new UsageError('--headers is required: a file with the delivery\'s headers.');
    const secret = secretFromEnv(values['secret-env'], io.env);
    const headers = parseHeaders(readText(values.headers, 'headers file (--headers)'));
    const body = values.body ? readText(values.body, 'body file (--body)') : await io.stdin();
    if (body === undefined) throw new UsageError('give the raw body with --body FILE or on standard input.');
    const result = await verifyWebhook({ secret, headers, body });
    if (result.ok) {
      io.out(`valid: the signature matches (webhook-id ${headers['webhook-id']}).\n`);
      return 0;
    }
    io.out(`not valid:\n${result.problems.map((problem) => `  - ${problem}`).join('\n')}\n`);
    return 1;
  },
};

/** `name: value` lines (an HTTP/1.1 status line is skipped) or a JSON object; names lower-cased. */
export function parseHeaders(text: string): Record<string, string> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new UserError('--headers looks like JSON but does not parse; give a JSON object or "name: value" lines.');
    }
    return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([name, value]) => [name.toLowerCase(), String(value)]));
  }
  const headers: Record<string, string> = {};
  for (const line of trimmed.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0 || /^HTTP\//.test(line)) continue;
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}
