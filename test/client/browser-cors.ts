/**
 * What a browser's `fetch` does around a cross-origin request, for the
 * in-process server of real-server.ts: the page's Origin on the request, the
 * preflight a request with an `Authorization` header needs, and the CORS
 * check and header filter on the answer. happy-dom's own fetch would send the
 * request over the network; this is the same policy with the handler called
 * in process. A page script cannot watch any of it, except the reading of the
 * RequestInit it passed (WebIDL reads every member, own or inherited).
 */

/** RequestInit's members, in the order WebIDL reads a dictionary (lexicographic). */
const REQUEST_INIT_MEMBERS = ['body', 'cache', 'credentials', 'duplex', 'headers', 'integrity', 'keepalive', 'method', 'mode', 'priority', 'redirect', 'referrer', 'referrerPolicy', 'signal', 'window'];
const SAFELISTED_REQUEST_HEADERS = ['accept', 'accept-language', 'content-language'];
const SAFELISTED_RESPONSE_HEADERS = ['cache-control', 'content-language', 'content-length', 'content-type', 'expires', 'last-modified', 'pragma'];

type Handler = (request: Request) => Promise<Response>;

/** Reads `init` as a browser's fetch does: every member, so a getter on Object.prototype fires where one would. */
export function readRequestInit(init: RequestInit): void {
  for (const member of REQUEST_INIT_MEMBERS) void (init as Record<string, unknown>)[member];
}

/** The request as it leaves the browser: what the page gave, plus the Origin the page cannot set itself. */
export function crossOriginRequest(url: string, init: RequestInit & { method: string; headers: Record<string, string> }, origin: string): Request {
  const request = new Request(url, {
    method: init.method,
    headers: init.headers,
    ...(init.body !== undefined && init.body !== null && { body: init.body }),
    ...(init.signal && { signal: init.signal }),
  });
  // happy-dom's Request drops forbidden headers given to it, as browsers do; fetch itself then adds Origin.
  request.headers.set('Origin', origin);
  return request;
}

/**
 * The preflight (OPTIONS) a browser sends first unless the request is a
 * simple one; true when the handler's answer lets the page send it.
 */
export async function preflightAllows(handler: Handler, url: string, method: string, headers: Record<string, string>, origin: string): Promise<boolean> {
  const custom = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .filter((name) => !SAFELISTED_REQUEST_HEADERS.includes(name) && !(name === 'content-type' && /^text\/plain/i.test(headers[name] ?? '')));
  const simpleMethod = method === 'GET' || method === 'POST' || method === 'HEAD';
  if (custom.length === 0 && simpleMethod) return true;
  const request = new Request(url, {
    method: 'OPTIONS',
    headers: { 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': custom.join(',') },
  });
  request.headers.set('Origin', origin);
  const answer = await handler(request);
  const listed = (name: string) => (answer.headers.get(name) ?? '').toLowerCase().split(/\s*,\s*/);
  return (
    answer.ok &&
    answer.headers.get('Access-Control-Allow-Origin') === origin &&
    (simpleMethod || listed('Access-Control-Allow-Methods').includes(method.toLowerCase())) &&
    custom.every((name) => listed('Access-Control-Allow-Headers').includes(name))
  );
}

/** Whether CORS lets the page read the answer at all (else the page gets a network error). */
export function readableByPage(response: Response, origin: string): boolean {
  return response.headers.get('Access-Control-Allow-Origin') === origin;
}

/**
 * The answer as the page sees it (once `readableByPage`): only safelisted
 * headers and those in Access-Control-Expose-Headers remain.
 */
export function responseForPage(response: Response, body: BodyInit | null): Response {
  const exposed = (response.headers.get('Access-Control-Expose-Headers') ?? '').toLowerCase().split(/\s*,\s*/);
  const headers = new Headers();
  response.headers.forEach((value, name) => {
    if (SAFELISTED_RESPONSE_HEADERS.includes(name.toLowerCase()) || exposed.includes(name.toLowerCase())) headers.set(name, value);
  });
  return new Response(body, { status: response.status, headers });
}
