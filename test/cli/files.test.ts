/**
 * How the commands read a file (src/cli/files.ts): a UserError that names the
 * file and says what went wrong, never a stack, and never a line of a JSON
 * file (it may hold a secret).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJson, readText } from '../../src/cli/files.js';
import { UserError } from '../../src/cli/usage.js';
import { tempDir } from './command.js';

const dir = tempDir('chatq-files-');

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('readText', () => {
  it('gives the file\'s text, as UTF-8', () => {
    expect(readText(file('key.pem', 'é\nline\n'), 'key file')).toBe('é\nline\n');
  });

  it('says why a file cannot be read: missing, a directory', () => {
    const missing = join(dir, 'missing.pem');
    expect(() => readText(missing, 'key file')).toThrow(new UserError(`cannot read the key file ${JSON.stringify(missing)}: no such file.`));
    expect(() => readText(dir, 'key file')).toThrow(new UserError(`cannot read the key file ${JSON.stringify(dir)}: it is a directory.`));
  });

  it('says it cannot be read for any other reason, without the system\'s message', () => {
    // A NUL byte in the path: node refuses it before any system call (ERR_INVALID_ARG_VALUE).
    expect(() => readText(join(dir, 'a\u0000b'), 'key file')).toThrow(new UserError(`cannot read the key file ${JSON.stringify(join(dir, 'a\u0000b'))}: it cannot be read.`));
  });
});

describe('readJson', () => {
  it('gives the parsed value of any JSON text', () => {
    expect(readJson(file('community.json', '{ "jwtKeys": [] }\n'), 'community file')).toEqual({ jwtKeys: [] });
    expect(readJson(file('list.json', '[1, 2]'), 'community file')).toEqual([1, 2]);
  });

  it('names the line and column of the first mistake, and no part of the file', () => {
    const secret = '0123456789abcdef01234567';
    const path = file('broken.json', `{\n  "jwtKeys": [{ "id": "k", "secret": "${secret}" }],\n}\n`);
    let error: unknown;
    try {
      readJson(path, 'community file');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain(`the community file ${JSON.stringify(path)} is not valid JSON: `);
    expect((error as Error).message).toMatch(/line 3/);
    expect((error as Error).message).not.toContain(secret.slice(0, 8));
  });

  it('reports a file that cannot be read as readText does', () => {
    expect(() => readJson(join(dir, 'none.json'), 'community file')).toThrow(/^cannot read the community file ".*none\.json": no such file\.$/);
  });
});
