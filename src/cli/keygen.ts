import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { KEY_ID } from '../sign/key.js';
import { SECRET_ENV } from './secret-env.js';
import { parse, UsageError, type Command } from './usage.js';

const HELP = `Usage: chatq keygen hs256|rs256 [--kid ID] [--json]

Makes a new community key:
  hs256  a 64-character hex secret (256 bits, what RFC 7518 asks of an HS256 key)
  rs256  an RSA-2048 key pair: the private key (PKCS#8 PEM) for your backend,
         the public key (PEM and JWK) for the community

Prints the jwtKeys entry to paste into your community file.

Options:
  --kid ID   the key id (a-z 0-9 _, at most 64); default site_<year> or rsa_<year>
  --json     print { kid, alg, entry, secret | privateKeyPem, publicKeyPem, publicJwk }
  -h, --help this text
`;

function keyId(value: string | undefined, alg: 'hs256' | 'rs256'): string {
  const kid = value ?? `${alg === 'hs256' ? 'site' : 'rsa'}_${new Date().getUTCFullYear()}`;
  if (!KEY_ID.test(kid)) throw new UsageError(`--kid must be 1–64 characters a-z 0-9 _, got ${JSON.stringify(kid.slice(0, 70))}.`);
  return kid;
}

export const keygen: Command = {
  name: 'keygen',
  summary: 'make a new HS256 secret or RS256 key pair, with the jwtKeys entry to paste',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parse(args, { kid: { type: 'string' }, json: { type: 'boolean' } }, 1);
    if (values.help) return io.out(HELP), 0;
    const alg = positionals[0]?.toLowerCase();
    if (alg !== 'hs256' && alg !== 'rs256') {
      throw new UsageError(alg === undefined ? 'say which kind of key: hs256 or rs256.' : `unknown key kind ${JSON.stringify(positionals[0])}; use hs256 or rs256.`);
    }
    const kid = keyId(values.kid, alg);
    if (alg === 'hs256') {
      const secret = randomBytes(32).toString('hex');
      const entry = { id: kid, secret };
      if (values.json) return io.out(`${JSON.stringify({ kid, alg: 'HS256', entry, secret }, null, 2)}\n`), 0;
      io.out(
        `HS256 key "${kid}"\n\n` +
          `Add to your community file's jwtKeys:\n  ${JSON.stringify(entry)}\n\n` +
          'Keep the secret on servers only (your backend signs with it, the chat server verifies with it),\n' +
          `in the environment variable ${SECRET_ENV}; never in a page or a repository. Sign with the\n` +
          'string itself, not its hex-decoded bytes:\n' +
          `  await signIdentity({ uuid }, { kid: '${kid}', secret: process.env.${SECRET_ENV}, lifetime: '2h' })\n` +
          `Try it, with ${SECRET_ENV} exported:\n` +
          `  npx chatq sign --kid ${kid} --secret-env ${SECRET_ENV} --uuid 42 | npx chatq explain --secret-env ${SECRET_ENV}\n`,
      );
      return 0;
    }
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privateKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const publicJwk = { ...(pair.publicKey.export({ format: 'jwk' }) as { kty: string; n: string; e: string }), alg: 'RS256', use: 'sig', kid };
    const entry = { id: kid, publicKey: publicJwk };
    if (values.json) return io.out(`${JSON.stringify({ kid, alg: 'RS256', entry, privateKeyPem, publicKeyPem, publicJwk }, null, 2)}\n`), 0;
    io.out(
      `RS256 key pair "${kid}" (RSA 2048)\n\n` +
        `Add to your community file's jwtKeys (the public key, as a JWK):\n  ${JSON.stringify(entry)}\n\n` +
        `or with the public key as PEM:\n${publicKeyPem}\n` +
        'Private key: keep it in your backend only (a secret manager, or a file readable by the backend alone);\n' +
        'the chat server never needs it.\n' +
        privateKeyPem +
        `\n  await signIdentity({ uuid }, { kid: '${kid}', privateKey: pem, lifetime: '2h' })\n`,
    );
    return 0;
  },
};
