/**
 * The floor of bench/load.mjs (issue 22 item 1): a node:http server that does,
 * by hand and with nothing else, the work the contract requires of a sign-in
 * and of a visitor message, so the ratio to a bare hello-world can be read
 * against what a server that keeps the contract must spend at least.
 *
 * POST /v1/identity: reads the body whole (a size cap), JSON.parse, splits the
 * JWT, decodes and parses its header and payload, checks alg and kid, verifies
 * the HS256 signature (node:crypto createHmac + timingSafeEqual), checks exp;
 * or takes an automatedUuid (pattern). Then a 32-byte random session
 * credential (a pooled fill, as chatq draws them), its SHA-256 (the store keeps the hash), a conversation (random
 * UUID id) and a session in Maps, and a JSON answer with the same fields and
 * response headers as chatq's.
 * POST /v1/messages: Bearer credential (pattern), its SHA-256, the session and
 * conversation looked up, the body read and parsed, clientId and body
 * checked, idempotency by clientId, a message (random UUID) appended, the
 * same JSON answer.
 *
 * Not done here and done by chatq: rate limits, CORS policy, origin checks,
 * identity field normalization and warnings, byte budgets, eviction, outbox,
 * live fan-out, body deadlines, every error path with a stable code.
 */
import { createHash, createHmac, randomFillSync, randomUUID, timingSafeEqual } from 'node:crypto';

const MAX_BODY = 16 * 1024;
/** Credentials come from a pool filled 4 KB at a time (a randomBytes(32) call each cost ~6 µs under load, as much as chatq's pooled fill saves). */
const pool = Buffer.alloc(4096);
let next = pool.length;
function credential32() {
  if (next + 32 > pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  next += 32;
  return pool.toString('base64url', next - 32, next);
}
const CREDENTIAL = /^[A-Za-z0-9_-]{43}$/;
const AUTOMATED = /^[A-Za-z0-9_-]{22,64}$/;
const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  vary: 'Origin',
};

/** A listener for the floor server; `key` is the HS256 key ({ id, secret }) sign-ins are verified with. */
export function floorListener(key) {
  const secret = Buffer.from(key.secret);
  const sessions = new Map();
  const conversations = new Map();

  const answer = (req, res, status, value) => {
    const body = JSON.stringify(value);
    const headers = { ...HEADERS, 'content-length': String(Buffer.byteLength(body)) };
    const origin = req.headers.origin;
    if (origin !== undefined) {
      headers['access-control-allow-origin'] = origin;
      headers['access-control-expose-headers'] = 'Retry-After, ETag';
    }
    res.writeHead(status, headers);
    res.end(body);
  };

  const verify = (jwt) => {
    const [h, p, s] = typeof jwt === 'string' ? jwt.split('.') : [];
    if (!s) return undefined;
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    if (header.alg !== 'HS256' || header.kid !== key.id) return undefined;
    const expected = createHmac('sha256', secret).update(`${h}.${p}`).digest();
    const given = Buffer.from(s, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    if (typeof payload.uuid !== 'string' || !(payload.exp * 1000 > Date.now())) return undefined;
    return { uuid: payload.uuid, signed: true, expiresAt: payload.exp * 1000, fields: { firstname: payload.firstname } };
  };

  const register = (req, res, input) => {
    const identity = input.jwt !== undefined ? verify(input.jwt) : AUTOMATED.test(input.automatedUuid ?? '') ? { uuid: input.automatedUuid, signed: false } : undefined;
    if (!identity) return answer(req, res, 401, { error: { code: 'ERR_IDENTITY', message: 'no identity' } });
    const now = Date.now();
    const conversationKey = `${identity.signed ? 'signed' : 'browser'}:${identity.uuid}`;
    let conversation = conversations.get(conversationKey);
    if (!conversation) conversations.set(conversationKey, (conversation = { id: `default.${randomUUID()}`, identity, messages: [], byClientId: new Map() }));
    const credential = credential32();
    sessions.set(createHash('sha256').update(credential).digest('base64url'), { conversation, createdAt: now });
    answer(req, res, 200, { session: credential, conversationId: conversation.id, identity, expiresAt: identity.expiresAt, serverTime: now });
  };

  const message = (req, res, input) => {
    const credential = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const session = credential && CREDENTIAL.test(credential) ? sessions.get(createHash('sha256').update(credential).digest('base64url')) : undefined;
    if (!session) return answer(req, res, 401, { error: { code: 'ERR_SESSION_INVALID', message: 'no session' } });
    if (typeof input.clientId !== 'string' || typeof input.body !== 'string' || input.body.length > 4000) return answer(req, res, 400, { error: { code: 'ERR_BAD_REQUEST', message: 'bad message' } });
    const { conversation } = session;
    const previous = conversation.byClientId.get(input.clientId);
    if (previous) return answer(req, res, 200, { message: previous });
    const sent = { id: randomUUID(), seq: conversation.messages.length + 1, clientId: input.clientId, author: 'visitor', body: input.body, createdAt: Date.now() };
    conversation.messages.push(sent);
    if (conversation.messages.length > 500) conversation.messages.shift();
    conversation.byClientId.set(input.clientId, sent);
    answer(req, res, 201, { message: sent });
  };

  return (req, res) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      let input;
      try {
        input = size <= MAX_BODY ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
      } catch {
        input = undefined;
      }
      if (typeof input !== 'object' || input === null) return answer(req, res, 400, { error: { code: 'ERR_BAD_REQUEST', message: 'bad body' } });
      try {
        if (req.url === '/v1/identity') return register(req, res, input);
        if (req.url === '/v1/messages') return message(req, res, input);
      } catch {
        return answer(req, res, 400, { error: { code: 'ERR_BAD_REQUEST', message: 'bad request' } });
      }
      answer(req, res, 404, { error: { code: 'ERR_NOT_FOUND', message: 'not found' } });
    });
  };
}
