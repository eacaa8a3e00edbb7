/**
 * What kind of key a private key is, read before it is imported: WebCrypto,
 * asked to import an EC or Ed25519 key as RS256, throws a DOMException
 * ("Invalid key type") that says neither what the key is nor what to give.
 * chatq signs RS256 only (SPEC §3), so any other key is refused here, by name.
 */

/** PKCS#8 algorithm OIDs (DER content, hex) and the names `openssl` gives their keys. */
const ALGORITHMS: Record<string, string> = {
  '2a864886f70d010101': 'RSA', // rsaEncryption, the one RS256 signs with
  '2a864886f70d01010a': 'RSA-PSS',
  '2a8648ce3d0201': 'EC', // id-ecPublicKey: P-256, P-384, secp256k1…
  '2b6570': 'Ed25519',
  '2b6571': 'Ed448',
  '2b656e': 'X25519',
  '2b656f': 'X448',
  '2a8648ce380401': 'DSA',
  '2a864886f70d010301': 'DH',
  '2a8648ce3e0201': 'DH',
};

/** node:crypto's asymmetricKeyType, WebCrypto's algorithm name, a JWK's kty or crv: the same names. */
const NAMES: Record<string, string> = {
  ec: 'EC', ecdsa: 'EC', ecdh: 'EC', okp: 'OKP', ed25519: 'Ed25519', ed448: 'Ed448', x25519: 'X25519', x448: 'X448',
  dsa: 'DSA', dh: 'DH', 'rsa-pss': 'RSA-PSS', 'rsa-oaep': 'RSA-OAEP',
};

/** What to give instead of another kind of key; `chatq sign` says it with its own options. */
export const RS256_ONLY = 'chatq signs with RS256: give an RSA key, or a secret (HS256)';

/** The refusal of a key of another kind than RSA, the same for a PEM, a JWK or a key object. */
export function notRsa(type: string): TypeError {
  const what = type.startsWith('OID ') ? `a key of another algorithm (${type})` : `${/^[AEFHILMNORSX]/i.test(type) ? 'an' : 'a'} ${type} key`;
  return new TypeError(`privateKey is ${what}; ${RS256_ONLY}.`);
}

/** The name of a key type as node:crypto, WebCrypto or a JWK spells it, e.g. 'ec' → 'EC'. */
export function keyTypeName(spelled: string): string {
  return NAMES[spelled.toLowerCase()] ?? spelled;
}

interface Element {
  tag: number;
  /** Where its content starts, and ends (exclusive). */
  body: number;
  end: number;
}

/** One DER element at `at`, or undefined when the bytes are cut short or not DER. */
function element(der: Uint8Array, at: number): Element | undefined {
  const tag = der[at];
  let length = der[at + 1];
  let body = at + 2;
  if (tag === undefined || length === undefined) return undefined;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) return undefined;
    length = 0;
    for (let index = 0; index < count; index++) {
      const byte = der[body++];
      if (byte === undefined) return undefined;
      length = length * 256 + byte;
    }
  }
  return body + length <= der.length ? { tag, body, end: body + length } : undefined;
}

function base64Body(pem: string): Uint8Array | undefined {
  const body = pem.replace(/-----(?:BEGIN|END) PRIVATE KEY-----|\s/g, '');
  try {
    return Uint8Array.from(atob(body), (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** An OID's DER content in dotted form, e.g. 1.3.101.112. */
function dotted(content: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  for (const byte of content) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) arcs.push(value), (value = 0);
  }
  const first = arcs.shift() ?? 0;
  const top = Math.min(2, Math.floor(first / 40));
  return [top, first - top * 40, ...arcs].join('.');
}

/**
 * The key type of a PKCS#8 PEM (RFC 5208: SEQUENCE { version, SEQUENCE { algorithm OID, … }, key }):
 * 'RSA', another name, `OID 1.2.3` for an algorithm without one, or undefined when the PEM is not
 * PKCS#8 at all (cut short, edited).
 */
export function pkcs8KeyType(pem: string): string | undefined {
  const der = base64Body(pem);
  if (!der) return undefined;
  const outer = element(der, 0);
  if (outer?.tag !== 0x30 || outer.end !== der.length) return undefined;
  const version = element(der, outer.body);
  if (version?.tag !== 0x02) return undefined;
  const algorithm = element(der, version.end);
  if (algorithm?.tag !== 0x30) return undefined;
  const oid = element(der, algorithm.body);
  if (oid?.tag !== 0x06 || oid.end > algorithm.end) return undefined;
  const content = der.subarray(oid.body, oid.end);
  const hex = Array.from(content, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return ALGORITHMS[hex] ?? `OID ${dotted(content)}`;
}
