/**
 * `Authorization: Bearer <token>` → the token. One parser for the visitor
 * session and the agent credential, so both read the header the same way.
 * `present` tells a missing header (ERR_SESSION_MISSING) from a malformed one.
 */
export function readBearerToken(request: Request): { present: boolean; token: string | undefined } {
  const header = request.headers.get('Authorization');
  if (header === null) return { present: false, token: undefined };
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return { present: true, token: match?.[1] };
}
