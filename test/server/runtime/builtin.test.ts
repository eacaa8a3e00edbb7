/** The `node:*` lookup through `process.getBuiltinModule` (src/server/runtime/builtin.ts). */
import * as nodeCrypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { builtin } from '../../../src/server/runtime/builtin.js';

const realLookup = process.getBuiltinModule;

afterEach(() => {
  process.getBuiltinModule = realLookup;
});

describe('builtin', () => {
  it('returns the runtime’s own module for a node: id', () => {
    const found = builtin('node:crypto') as typeof nodeCrypto;
    expect(found.createHash).toBe(nodeCrypto.createHash);
    expect(found.createHash('sha256').update('chatq').digest('hex')).toBe(nodeCrypto.createHash('sha256').update('chatq').digest('hex'));
  });

  it('asks the runtime with exactly the id it was given', () => {
    const asked: string[] = [];
    process.getBuiltinModule = ((id: string) => (asked.push(id), { id })) as typeof process.getBuiltinModule;
    expect(builtin('node:zlib')).toEqual({ id: 'node:zlib' });
    expect(asked).toEqual(['node:zlib']);
  });

  it('is undefined for an unknown module, a runtime without getBuiltinModule, or a lookup that throws', () => {
    expect(builtin('node:no-such-module')).toBeUndefined();
    process.getBuiltinModule = undefined as unknown as typeof process.getBuiltinModule;
    expect(builtin('node:crypto')).toBeUndefined();
    process.getBuiltinModule = (() => {
      throw new Error('no builtins here');
    }) as typeof process.getBuiltinModule;
    expect(builtin('node:crypto')).toBeUndefined();
  });
});
