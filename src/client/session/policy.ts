import type { IdentityPolicy, PolicyResponse } from '../../identity/index.js';
import type { Api, ApiError } from '../transport/api.js';

/** The community's rules as the widget knows them. */
export interface PolicySource {
  /** Once the server has told them (`/v1/policy`, or a registration answer from an older server). */
  policy: IdentityPolicy | undefined;
  /** Asks again when the last request reached no server (network, 429, 5xx); call on wake-ups. */
  retry(): void;
}

/**
 * Asks `GET {base}/v1/policy` (SPEC §5), so the widget knows the mode before
 * registering anything: in `require` mode an anonymous visitor gets no
 * launcher, and must not cost a refused registration (a red "Failed to load
 * resource" line in the host page's console) either.
 *
 * `answered` learns whether an anonymous registration may start the chat:
 * not in `require` mode, and not after a failure (a server that lacks the
 * endpoint, 404, or tells no policy is probed by registering, as before),
 * plus the answer itself when there is one (the server clock, the message limit). `unreached`: the request reached no
 * server (network, 429, 5xx); the caller asks `retry()` again later (SPEC §10 "Outages").
 */
export function askPolicy(api: Api, answered: (anonymous: boolean, answer?: PolicyResponse) => void, unreached?: (retryAfter?: number) => void): PolicySource {
  let again = false;
  const source: PolicySource = {
    policy: undefined,
    retry() {
      if (again) ask();
    },
  };
  function ask(): void {
    again = false;
    api.call<PolicyResponse>('GET', '/v1/policy').then(
      (answer) => {
        source.policy = answer.policy ?? source.policy;
        answered(source.policy?.mode !== 'require', answer);
      },
      ({ status, message, retryAfter }: ApiError) => {
        // The one refusal the policy route answers readably (SPEC §6 "Fitting"): the server's words name
        // this page's origin and the option to change; any other route would look like a network error.
        if (status === 403) console.error(`chatq: ${message}`);
        again = !status || status === 429 || status >= 500;
        answered(status === 404);
        if (again) unreached?.(retryAfter);
      },
    );
  }
  ask();
  return source;
}
