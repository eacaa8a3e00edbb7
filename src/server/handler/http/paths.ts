/**
 * `pathname` relative to `basePath` (`/chatq/v1/x` → `/v1/x`), or undefined
 * when it is not under it. What the handler routes on; toNodeListener's
 * middleware mode asks the same question.
 */
export function pathUnder(pathname: string, basePath: string): string | undefined {
  return pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length) : undefined;
}

/**
 * `pathname` as the handler's own when a mount in front of it stripped
 * exactly `basePath` (Hono's `app.mount('/chatq', handler)` hands on
 * `/v1/identity`): only when the request target the server received (`target`,
 * which the app's own rules matched) was `{basePath}{pathname}`. A path that
 * was never under basePath stays outside (404): the handler must not answer
 * `/agent/…` to a catch-all route that an app rule on `/chatq/agent` never saw.
 */
export function mountedPath(pathname: string, basePath: string, target: string | undefined): string | undefined {
  if (basePath === '' || target === undefined) return undefined;
  const end = target.search(/[?#]/);
  return (end < 0 ? target : target.slice(0, end)) === `${basePath}${pathname}` ? pathname : undefined;
}
