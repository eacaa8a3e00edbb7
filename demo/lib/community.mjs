// Loads the demo community file, fills in the demo's generated RSA key and
// validates it — once per mode — with the verifier's own error messages, so a
// broken file stops the demo at start, never at request time (SPEC §3).
import { readFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { defineCommunity, createVerifier } from '../../dist/server.js';

/** A `publicKey` with this value is replaced by a key pair made at start; the host backend keeps the private half. */
export const GENERATED_KEY = 'GENERATED_AT_START';

/** Where each mode is mounted on the chat server. `/chatq` uses the file's own mode. */
export const MOUNTS = [
  { base: '/chatq', mode: null },
  { base: '/chatq-reject', mode: 'reject' },
  { base: '/chatq-accept', mode: 'accept' },
];

export class CommunityFileError extends Error {}

function readJson(path) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CommunityFileError(`cannot read the community file ${path}: ${error.code ?? error.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CommunityFileError(`the community file ${path} is not valid JSON: ${error.message}`);
  }
}

/** The verifier's error as the integrator should read it: the message and every problem with its path. */
function describeInvalid(path, mode, error) {
  const lines = [`the community file ${path} is invalid${mode ? ` (checked in "${mode}" mode for ${mode === 'reject' ? '/chatq-reject' : '/chatq-accept'})` : ''}:`];
  const problems = Array.isArray(error?.problems) ? error.problems : [];
  if (problems.length === 0) lines.push(`  ${error?.code ?? 'Error'}: ${error?.message ?? String(error)}`);
  else for (const p of problems) lines.push(`  ${p.path}: ${p.message}`);
  return lines.join('\n');
}

/** The community as the front page shows it: secrets never, public keys summarised. */
function redact(config) {
  const keys = Array.isArray(config.jwtKeys) ? config.jwtKeys : [];
  return {
    ...config,
    jwtKeys: keys.map((key) =>
      typeof key?.secret === 'string'
        ? { ...key, secret: `<${key.secret.length} characters, not shown>` }
        : key?.publicKey === GENERATED_KEY
          ? { ...key, publicKey: '<RSA public key, generated at start; the host backend holds the private key>' }
          : key?.publicKey !== undefined
            ? { ...key, publicKey: '<RSA public key>' }
            : key,
    ),
  };
}

/**
 * Reads and validates the community file. Returns one verifier per mount and
 * the signing keys the demo host backend may use (secrets and the generated
 * RSA private key — the host's side of the shared configuration).
 */
export function loadCommunity(path, { rsaPrivateKeyPem } = {}) {
  const config = readJson(path);
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new CommunityFileError(`the community file ${path} must hold a JSON object`);
  }
  const signingKeys = [];
  const keys = Array.isArray(config.jwtKeys) ? config.jwtKeys : [];
  const shown = JSON.stringify(redact(config), null, 2);
  config.jwtKeys = keys.map((key) => {
    if (key && key.publicKey === GENERATED_KEY) {
      // Workers of one demo (--workers) share the key their primary made, so any of them verifies any token.
      const privateKey = rsaPrivateKeyPem ? createPrivateKey(rsaPrivateKeyPem) : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      const pair = { privateKey, publicKey: createPublicKey(privateKey) };
      signingKeys.push({ kid: key.id, alg: 'RS256', privateKey: pair.privateKey });
      return { ...key, publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
    }
    if (key && typeof key.secret === 'string') signingKeys.push({ kid: key.id, alg: 'HS256', secret: key.secret });
    return key;
  });

  const mounts = MOUNTS.map(({ base, mode }) => {
    // Each mode is its own community (SPEC §6 "Sharing"): on a shared engine (--redis) their visitors stay apart.
    const effective = { ...config, ...(mode ? { signedIdentities: mode } : {}) };
    effective.id = `${config.id ?? 'demo'}-${effective.signedIdentities ?? 'require'}`;
    let community;
    try {
      community = defineCommunity(effective);
    } catch (error) {
      throw new CommunityFileError(describeInvalid(path, mode, error));
    }
    return { base, mode: effective.signedIdentities ?? 'require', verifier: createVerifier(community) };
  });
  return { mounts, signingKeys, shown };
}
