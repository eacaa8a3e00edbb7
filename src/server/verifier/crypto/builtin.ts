/**
 * A `node:*` module at run time through `process.getBuiltinModule` (Node ≥
 * 20.16, Bun, Deno), never a static import, so that the server core still
 * loads on runtimes without it. `undefined` when the runtime has no such module.
 */
export function builtin(id: string): unknown {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return process?.getBuiltinModule?.(id);
  } catch {
    return undefined;
  }
}
