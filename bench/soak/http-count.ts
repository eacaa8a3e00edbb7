/**
 * Counts every answer the node-side clients (visitors, agent) get, by status,
 * and reads the error code of each 503, by wrapping `globalThis.fetch` once:
 * the widget's Api captures `fetch` when it is built, so this must run before
 * any visitor exists. The answer itself is passed on untouched.
 */
import type { HttpCounts } from './ledger.js';

let counts: HttpCounts | undefined;
let installed = false;

/** Where the counts go from now on (one HttpCounts per scenario). */
export function countInto(target: HttpCounts): void {
  counts = target;
  if (installed) return;
  installed = true;
  const original = globalThis.fetch;
  globalThis.fetch = async function countedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const into = counts;
    let response: Response;
    try {
      response = await original(input, init);
    } catch (error) {
      if (into) into.networkErrors++;
      throw error;
    }
    into?.status(response.status);
    if (response.status === 503 && into) {
      const code = await response
        .clone()
        .json()
        .then((body: { error?: { code?: string } }) => body.error?.code ?? 'not JSON')
        .catch(() => 'not JSON');
      into.code503(code);
    }
    return response;
  } as typeof fetch;
}
