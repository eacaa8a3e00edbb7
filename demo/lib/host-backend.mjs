// The demo host site's backend: what a customer's own server does to sign a
// visitor in — pick the logged-in user, sign a short JWT with a key shared with
// the chat community, and hand it to the page. With chatq/sign's signIdentity,
// what we recommend (SPEC §9): it refuses at once what the community would refuse.
import { signIdentity } from '../../dist/sign.js';

/** Demo users. `mallory` carries markup in every field to show it stays text. */
export const USERS = {
  alice: {
    label: 'Alice Martin — all fields, mapped extra values',
    identity: {
      uuid: '100042',
      firstname: 'Alice',
      lastname: 'Martin',
      screenname: 'alice.m',
      email: 'alice@example.com',
      avatar_url: 'https://example.com/avatars/alice.png',
      extra_values: { customer_id: 'Acme Outdoor EU', crm: 'CRM-1001', plan: 'gold', phone: '+33 6 12 34 56 78', cart_items: 3 },
    },
  },
  bob: {
    label: 'Bob — integer uuid, a CRM id that fails its regex, an unknown field',
    identity: {
      uuid: 4242,
      firstname: 'Bob',
      email: 'not-an-email',
      nickname: 'bobby',
      extra_values: { crm: 'crm 17', plan: 'free', newsletter: true },
    },
  },
  mallory: {
    label: 'Mallory — HTML/script in every field (must show as text)',
    identity: {
      uuid: '<img src=x onerror="alert(1)">',
      firstname: '<img src=x onerror="alert(\'firstname\')">',
      lastname: '<script>alert("lastname")</script>',
      company: '"><svg onload=alert(1)>',
      avatar_url: 'javascript:alert(1)',
      extra_values: { note: '<b onmouseover=alert(1)>hover</b>', crm: 'CRM-1<i>2</i>' },
    },
  },
};

/** A key the community no longer lists: rotation's "remove the old one" step. */
export const RETIRED_KEY = { kid: 'retired_2024', alg: 'HS256', secret: '0badc0de0badc0de0badc0de' };

/**
 * The demo page may ask for a lifetime under the community's minimum (20 s
 * against 30 s) to show the chat server's ERR_JWT_EXP_TOO_SOON, so the demo
 * signs with no minimum; a real backend passes its community's
 * minTokenLifetime and gets the refusal here, before any visitor does.
 */
function sign(key, identity, lifetime) {
  const options = { kid: key.kid, lifetime, minTokenLifetime: 0 };
  return key.alg === 'HS256'
    ? signIdentity(identity, { ...options, secret: key.secret })
    : signIdentity(identity, { ...options, privateKey: key.privateKey });
}

const decodePart = (jwt, index) => JSON.parse(Buffer.from(jwt.split('.')[index], 'base64url').toString('utf8'));

const MAX_LIFETIME = 24 * 3600;

/**
 * `POST /api/token {user, kid, lifetime}` → `{ jwt, header, payload }`. The demo
 * lets the page choose the user; a real backend takes it from its own session.
 */
export function createTokenMinter(signingKeys) {
  const keys = new Map([...signingKeys, RETIRED_KEY].map((k) => [k.kid, k]));
  return {
    keys: () => [...keys.values()].map(({ kid, alg }) => ({ kid, alg, retired: kid === RETIRED_KEY.kid })),
    /** Resolves to `{ status, body }`. */
    async mint(request) {
      const user = Object.hasOwn(USERS, request?.user) ? USERS[request.user] : undefined;
      const key = keys.get(request?.kid);
      const lifetime = Number(request?.lifetime);
      if (!user) return { status: 400, body: { error: 'unknown demo user' } };
      if (!key) return { status: 400, body: { error: 'unknown signing key' } };
      if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_LIFETIME) {
        return { status: 400, body: { error: `lifetime must be 1–${MAX_LIFETIME} seconds` } };
      }
      try {
        const jwt = await sign(key, user.identity, lifetime);
        return { status: 200, body: { jwt, header: decodePart(jwt, 0), payload: decodePart(jwt, 1) } };
      } catch (error) {
        return { status: 400, body: { error: error.message, code: error.code } };
      }
    },
  };
}
