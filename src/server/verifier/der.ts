/**
 * Just enough ASN.1 DER to read and build RSA public keys: SPKI, PKCS#1 and
 * the SPKI inside an X.509 certificate.
 *
 * Why by hand: `defineCommunity` is synchronous and must validate keys (kind,
 * size, private-or-public) on every runtime before anything is imported, and
 * neither jose nor WebCrypto reads PKCS#1 (`BEGIN RSA PUBLIC KEY`) or says how
 * many bits a key has without an async import. The output is always SPKI DER,
 * which both crypto backends import.
 */

interface Tlv {
  tag: number;
  /** First content byte. */
  start: number;
  /** One past the last content byte. */
  end: number;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const NULL = 0x05;
const OID = 0x06;
/** 1.2.840.113549.1.1.1 rsaEncryption */
const RSA_ENCRYPTION = Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01);

function readTlv(bytes: Uint8Array, offset: number, limit = bytes.length): Tlv | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = bytes[offset]!;
  let length = bytes[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3 || start + count > limit) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = (length << 8) | bytes[start + i]!;
    start += count;
  }
  const end = start + length;
  return end > limit ? undefined : { tag, start, end };
}

function expect(bytes: Uint8Array, offset: number, tag: number, limit?: number): Tlv | undefined {
  const tlv = readTlv(bytes, offset, limit);
  return tlv?.tag === tag ? tlv : undefined;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** An RSA public key's numbers, big-endian without leading zeros. */
export interface RsaNumbers {
  n: Uint8Array;
  e: Uint8Array;
}

function unsignedInteger(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  let start = tlv.start;
  while (start < tlv.end - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start, tlv.end);
}

/** Reads PKCS#1 `RSAPublicKey ::= SEQUENCE { n INTEGER, e INTEGER }`. */
export function readPkcs1(bytes: Uint8Array, offset = 0, limit = bytes.length): RsaNumbers | undefined {
  const sequence = expect(bytes, offset, SEQUENCE, limit);
  if (!sequence || sequence.end !== limit) return undefined;
  const n = expect(bytes, sequence.start, INTEGER, sequence.end);
  const e = n && expect(bytes, n.end, INTEGER, sequence.end);
  if (!n || !e || e.end !== sequence.end) return undefined;
  // A negative modulus or exponent (high bit set without a 0x00 prefix) is not a key.
  if (bytes[n.start]! & 0x80 || bytes[e.start]! & 0x80) return undefined;
  return { n: unsignedInteger(bytes, n), e: unsignedInteger(bytes, e) };
}

/** Reads an SPKI whose algorithm is rsaEncryption. */
export function readRsaSpki(bytes: Uint8Array, offset = 0, limit = bytes.length): RsaNumbers | undefined {
  const spki = expect(bytes, offset, SEQUENCE, limit);
  if (!spki || spki.end !== limit) return undefined;
  const algorithm = expect(bytes, spki.start, SEQUENCE, spki.end);
  const oid = algorithm && expect(bytes, algorithm.start, OID, algorithm.end);
  if (!algorithm || !oid || !sameBytes(bytes.subarray(oid.start, oid.end), RSA_ENCRYPTION)) return undefined;
  const key = expect(bytes, algorithm.end, BIT_STRING, spki.end);
  if (!key || key.end !== spki.end || bytes[key.start] !== 0) return undefined;
  return readPkcs1(bytes, key.start + 1, key.end);
}

/** Finds the SPKI of an X.509 certificate and reads it. */
export function readCertificateRsaKey(bytes: Uint8Array): RsaNumbers | undefined {
  const certificate = expect(bytes, 0, SEQUENCE);
  const tbs = certificate && expect(bytes, certificate.start, SEQUENCE, certificate.end);
  if (!certificate || certificate.end !== bytes.length || !tbs) return undefined;
  let offset = tbs.start;
  // [0] EXPLICIT version, optional; then serial, signature, issuer, validity, subject, subjectPublicKeyInfo.
  const version = readTlv(bytes, offset, tbs.end);
  if (version?.tag === 0xa0) offset = version.end;
  const skip = [INTEGER, SEQUENCE, SEQUENCE, SEQUENCE, SEQUENCE];
  for (const tag of skip) {
    const field = expect(bytes, offset, tag, tbs.end);
    if (!field) return undefined;
    offset = field.end;
  }
  const spki = expect(bytes, offset, SEQUENCE, tbs.end);
  return spki && readRsaSpki(bytes, offset, spki.end);
}

function encodeLength(length: number): number[] {
  if (length < 0x80) return [length];
  const out: number[] = [];
  for (let rest = length; rest > 0; rest >>= 8) out.unshift(rest & 0xff);
  return [0x80 | out.length, ...out];
}

function encode(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const head = [tag, ...encodeLength(length)];
  const out = new Uint8Array(head.length + length);
  out.set(head);
  let offset = head.length;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function encodeUnsigned(value: Uint8Array): Uint8Array {
  return value[0]! & 0x80 ? encode(INTEGER, Uint8Array.of(0), value) : encode(INTEGER, value);
}

/** Builds the SPKI DER both crypto backends import. */
export function rsaSpki({ n, e }: RsaNumbers): Uint8Array {
  const pkcs1 = encode(SEQUENCE, encodeUnsigned(n), encodeUnsigned(e));
  const algorithm = encode(SEQUENCE, encode(OID, RSA_ENCRYPTION), encode(NULL));
  return encode(SEQUENCE, algorithm, encode(BIT_STRING, Uint8Array.of(0), pkcs1));
}

/** The modulus length in bits. */
export function modulusBits(n: Uint8Array): number {
  if (n.length === 0 || n[0] === 0) return 0;
  return (n.length - 1) * 8 + (32 - Math.clz32(n[0]!));
}
