/**
 * A `node:*` module at run time through `process.getBuiltinModule` (Node ≥
 * 20.16, Bun, Deno), never a static import, so that `chatq/sign` still loads
 * on Workers and in browsers. The same lookup as the server's
 * (src/server/runtime/builtin.ts), kept here because chatq/sign imports only
 * the identity model.
 */
export function builtin(id: string): unknown {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return process?.getBuiltinModule?.(id);
  } catch {
    return undefined;
  }
}
