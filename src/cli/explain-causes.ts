import { createHmac } from 'node:crypto';
import { looksLikeMilliseconds, secondsFix, type IdentityError, type IdentityPolicy, type JsonObject } from '../identity/index.js';

/** A likely cause of a failed check, and what to change. */
export interface Cause {
  cause: string;
  fix: string;
}

/** A key as the community file configures it (explain reads the file, so it has the secret). */
export interface ConfiguredKey {
  id: string;
  secret?: string;
}

const IDENTITY_FIELDS = ['uuid', 'screenname', 'firstname', 'lastname', 'company', 'email', 'avatar_url', 'extra_values'];

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** SPEC §4 step 2: the ways a copied token is usually damaged. */
export function shapeCauses(raw: string): Cause[] {
  const causes: Cause[] = [];
  const token = raw.trim();
  if (/^bearer\s/i.test(token)) causes.push({ cause: 'the token starts with "Bearer "', fix: 'give the token alone: the widget sends it as it is.' });
  if (/^["']|["']$/.test(token)) causes.push({ cause: 'the token is in quotes (copied from JSON or a shell?)', fix: 'remove the quotes.' });
  if (/\s/.test(token.replace(/^bearer\s+/i, ''))) causes.push({ cause: 'the token contains whitespace or a line break (copied from a wrapped terminal or an e-mail?)', fix: 'copy it again, in one piece.' });
  if (/[+/=]/.test(token)) causes.push({ cause: 'the parts use standard base64 (+, /, =) rather than base64url', fix: 'sign with a JWT library (jose, jsonwebtoken, PyJWT…) rather than by hand, or encode with base64url without padding.' });
  const parts = token.split('.').length;
  if (parts === 2) causes.push({ cause: 'the token has 2 parts: the signature is missing (an unsigned "alg: none" token?)', fix: 'sign it with HS256 or RS256.' });
  if (parts === 5) causes.push({ cause: 'the token has 5 parts: it is an encrypted JWT (JWE)', fix: 'sign the token (JWS), do not encrypt it.' });
  return causes;
}

/**
 * SPEC §4 step 3. An unknown kid (its case, whitespace around it, the
 * configured ids) is the verifier's own message (server/verifier/kid-hints.ts).
 */
export function headerCauses(header: JsonObject, error: IdentityError): Cause[] {
  if (error.code === 'ERR_JWT_KID_MISSING') {
    const other = Object.keys(header).find((name) => name !== 'kid' && /^(kid|keyid|key_id|keyId)$/i.test(name));
    if (other) return [{ cause: `the header has "${other}"; the name is "kid"`, fix: `rename "${other}" to "kid".` }];
    return [{ cause: 'the token was signed without a key id', fix: "add kid to the header: jsonwebtoken { keyid: 'id' }, PyJWT headers={'kid': 'id'}, jose setProtectedHeader({ alg, kid })." }];
  }
  if (error.code === 'ERR_JWT_ALG' && typeof header.alg === 'string' && /^HS(384|512)$/.test(header.alg)) {
    return [{ cause: `the library's default or configured algorithm is ${header.alg}`, fix: "sign with algorithm 'HS256'." }];
  }
  if (error.code === 'ERR_JWT_ALG' && header.alg === 'none') return [{ cause: 'the token is not signed ("alg": "none")', fix: 'sign it with HS256 (a secret) or RS256 (an RSA key).' }];
  return [];
}

function hmacVerifies(signingInput: string, signaturePart: string, key: string): boolean {
  return createHmac('sha256', key).update(signingInput).digest('base64url') === signaturePart;
}

/**
 * SPEC §4 step 4, HS256: the secrets integrators sign with by mistake that the
 * verifier does not try itself. It tries the hex- and base64-decoded secret
 * and a trailing newline on every refused signature, and says so in its
 * message (server/verifier/secret-mistakes.ts); these cost an HMAC each, too
 * much for a path an attacker can drive, but nothing for a command run by hand.
 */
export function signatureCauses(token: string, kid: unknown, keys: readonly ConfiguredKey[]): Cause[] {
  const dot = token.lastIndexOf('.');
  const signingInput = token.slice(0, dot);
  const signature = token.slice(dot + 1);
  const secret = keys.find((candidate) => candidate.id === kid)?.secret;
  if (secret !== undefined) {
    const variants: [string, Cause][] = [
      [`${secret}\r\n`, { cause: 'it verifies with the secret followed by CR LF: the secret file ends with a Windows line break', fix: 'trim the secret when you read it.' }],
      [secret.toUpperCase(), { cause: 'it verifies with the secret in upper case', fix: 'sign with the secret exactly as configured (lower case).' }],
    ];
    for (const [variant, cause] of variants) if (hmacVerifies(signingInput, signature, variant)) return [cause];
  }
  const other = keys.find((candidate) => candidate.id !== kid && candidate.secret !== undefined && hmacVerifies(signingInput, signature, candidate.secret));
  if (other) return [{ cause: `it verifies with the secret of key \`${other.id}\`, but its kid says \`${String(kid)}\``, fix: `set kid to "${other.id}", or sign with the secret of "${String(kid)}".` }];
  return [];
}

function describeLeft(seconds: number, min: number): string {
  if (min >= 120) return `this token has ${plural(Math.floor(seconds / 60), 'minute')} left; the community asks for ${Math.round(min / 60)}`;
  return `this token has ${plural(Math.floor(seconds), 'second')} left; the community asks for ${min}`;
}

/** SPEC §4 step 5. */
export function claimsCauses(payload: JsonObject, error: IdentityError, policy: IdentityPolicy, nowSeconds: number): Cause[] {
  const causes: Cause[] = [];
  for (const name of ['exp', 'nbf', 'iat'] as const) {
    if (error.path !== `payload.${name}`) continue;
    const value = payload[name];
    if (typeof value === 'number' && looksLikeMilliseconds(value, nowSeconds)) {
      causes.push({ cause: `${name} looks like milliseconds (${value})`, fix: secondsFix(name) });
    }
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
      causes.push({ cause: `${name} is a string ("${value.slice(0, 20)}")`, fix: `write ${name} as a JSON number.` });
    }
  }
  if (causes.length > 0) return causes;
  const exp = payload.exp as number;
  if (error.code === 'ERR_JWT_EXP_TOO_SOON') {
    causes.push({ cause: describeLeft(exp - nowSeconds, policy.minTokenLifetime), fix: `sign with a lifetime of at least ${policy.minTokenLifetime} s, or renew the token earlier.` });
  }
  if (error.code === 'ERR_JWT_EXPIRED') {
    causes.push({ cause: 'the token is older than its lifetime (cached by the page or the backend?) or this clock is ahead of the signer\'s', fix: 'sign a fresh token for each page load or renewal.' });
  }
  if (error.code === 'ERR_JWT_NOT_YET_VALID') {
    const name = error.path === 'payload.nbf' ? 'nbf' : 'iat';
    const ahead = Math.round((payload[name] as number) - nowSeconds);
    causes.push({ cause: `${name} is ${plural(ahead, 'second')} in the future: the signing server's clock runs ahead, or ${name} was rounded up`, fix: `sync the signing server's clock (NTP) and use Math.floor(Date.now() / 1000); clockTolerance allows ${policy.clockTolerance} s.` });
  }
  // A missing uuid (and the look-alike member set instead) is the verifier's own message (src/identity/jwt-claims.ts).
  return causes;
}

/** SPEC §4 step 6: notes for fields the verifier ignores that look like identity fields. */
export function fieldCauses(payload: JsonObject): Cause[] {
  const causes: Cause[] = [];
  for (const name of Object.keys(payload)) {
    if (IDENTITY_FIELDS.includes(name)) continue;
    const meant = IDENTITY_FIELDS.find((field) => field.replace('_', '') === name.toLowerCase().replace(/[_-]/g, ''));
    if (meant) causes.push({ cause: `\`${name}\` is not read: the field is \`${meant}\``, fix: `rename "${name}" to "${meant}".` });
  }
  return causes;
}
