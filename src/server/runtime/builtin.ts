/**
 * A `node:*` module at run time through `process.getBuiltinModule` (Node ≥
 * 20.16, Bun, Deno), never a static import, so that the server core still
 * loads on runtimes without it. Shared by the verifier (verifier/crypto/node.ts,
 * native-decode.ts) and the handler (handler/crypto.ts) so that the lookup
 * exists once. `undefined` when the runtime has no such module, has no
 * `getBuiltinModule`, or it throws.
 */
export function builtin(id: string): unknown {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return process?.getBuiltinModule?.(id);
  } catch {
    return undefined;
  }
}
