/**
 * The built scripts (loader.js, panel.js, inbox.js) reach the server bundle as
 * build constants that rollup replaces (rollup.config.mjs). From source the
 * constant is an undeclared global: these load the module afresh with the
 * global set to a value, as the bundle would see it, and remove it again.
 */
import { expect, it, vi } from 'vitest';

/** The module's export read with the global `name` set to `value` (absent when `value` is undefined). */
export async function readWithGlobal<T>(name: string, value: unknown, load: () => Promise<T>): Promise<T> {
  const scope = globalThis as Record<string, unknown>;
  if (value !== undefined) scope[name] = value;
  vi.resetModules();
  try {
    return await load();
  } finally {
    delete scope[name];
    vi.resetModules();
  }
}

/** The three cases every built-script module must keep: built, run from source, a constant that is not text. */
export function builtConstantTests(name: string, load: () => Promise<string | undefined>): void {
  it(`is the text the build put in ${name}`, async () => {
    expect(await readWithGlobal(name, 'console.log("built")', load)).toBe('console.log("built")');
  });

  it('is undefined when the handler runs from source (no build constant)', async () => {
    expect(name in globalThis).toBe(false);
    expect(await readWithGlobal(name, undefined, load)).toBeUndefined();
  });

  it('is undefined when the constant is not text, so only the option can serve the script', async () => {
    expect(await readWithGlobal(name, 42, load)).toBeUndefined();
  });
}
