/**
 * SPEC §3, §13: the community a command checks against (src/cli/community-file.ts),
 * defined by the server's own defineCommunity from a file or from the
 * environment, with every problem and warning collected rather than thrown or
 * printed. `chatq check` and `explain --community` use it in test/cli/index.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { communityFromEnv, loadCommunityFile, problemLines } from '../../src/cli/community-file.js';
import { UserError } from '../../src/cli/usage.js';
import { tempDir } from './command.js';

const SECRET = '0123456789abcdef01234567';
const dir = tempDir('chatq-community-file-');
afterEach(() => {
  vi.restoreAllMocks();
});

function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

describe('loadCommunityFile', () => {
  it('defines a valid file, leaving $schema out of the config (it is for editors)', () => {
    const config = { $schema: './community.schema.json', id: 'shop', jwtKeys: [{ id: 'site_2026', secret: SECRET }], minTokenLifetime: 600 };
    const path = file('valid.json', config);
    const loaded = loadCommunityFile(path);
    expect(loaded).toMatchObject({ path, problems: [], warnings: [], config: { id: 'shop', jwtKeys: [{ id: 'site_2026', secret: SECRET }], minTokenLifetime: 600 } });
    expect(loaded.config).not.toHaveProperty('$schema');
    expect(loaded.community).toMatchObject({ id: 'shop', signedIdentities: 'require', minTokenLifetime: 600, clockTolerance: 10 });
  });

  it('collects every problem with its path, and defines no community', () => {
    const loaded = loadCommunityFile(file('problems.json', { jwtKeys: [{ id: 'Site', secret: 'short' }], minTokenLifetime: -1, colour: 'red' }));
    expect(loaded.community).toBeUndefined();
    expect(loaded.problems.map((problem) => problem.path)).toEqual(expect.arrayContaining(['jwtKeys[0].id', 'jwtKeys[0].secret', 'minTokenLifetime', 'colour']));
    for (const problem of loaded.problems) expect(problem.message).not.toBe('');
    expect(JSON.stringify(loaded.problems)).not.toContain('short"');
  });

  it('a file whose JSON is not an object: the first problem is at "config", naming what it is', () => {
    for (const [name, value, what] of [['list.json', [1], /array/], ['text.json', 'jwtKeys', /string/], ['null.json', null, /null/]] as const) {
      const loaded = loadCommunityFile(file(name, value));
      expect(loaded.community, name).toBeUndefined();
      expect(loaded.config).toEqual({});
      expect(loaded.problems[0]).toMatchObject({ path: 'config', message: expect.stringMatching(what) });
    }
  });

  it("collects defineCommunity's warning without its \"chatq: \" prefix, printing nothing", () => {
    const warn = vi.spyOn(console, 'warn');
    const loaded = loadCommunityFile(file('accept.json', { signedIdentities: 'accept', jwtKeys: [{ id: 'k', secret: SECRET }] }));
    expect(loaded.community?.signedIdentities).toBe('accept');
    expect(loaded.warnings).toEqual([expect.stringMatching(/^signedIdentities 'accept' is deprecated and unsafe/)]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('puts console.warn back, whether the file is valid or not', () => {
    const original = console.warn;
    loadCommunityFile(file('accept-again.json', { signedIdentities: 'accept', jwtKeys: [{ id: 'k', secret: SECRET }] }));
    expect(console.warn).toBe(original);
    loadCommunityFile(file('invalid.json', { jwtKeys: 'none' }));
    expect(console.warn).toBe(original);
  });

  it('a file that cannot be read or parsed is a UserError, not a problem', () => {
    expect(() => loadCommunityFile(join(dir, 'missing.json'))).toThrow(UserError);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "jwtKeys": [ }');
    expect(() => loadCommunityFile(broken)).toThrow(/is not valid JSON: /);
  });
});

describe('one shape of problem, whichever the source: { path, code, message }', () => {
  const shape = { path: expect.any(String), code: 'ERR_COMMUNITY_INVALID', message: expect.any(String) };

  it('from a file, an object or not', () => {
    for (const value of [{ jwtKeys: [{ id: 'Site', secret: 'short' }], minTokenLifetime: -1 }, [1], null]) {
      const { problems } = loadCommunityFile(file('shape.json', value));
      expect(problems.length, JSON.stringify(value)).toBeGreaterThan(0);
      for (const problem of problems) expect(Object.keys(problem).sort()).toEqual(['code', 'message', 'path']), expect(problem).toEqual(shape);
    }
  });

  it('from the environment: the code kept as the paths are renamed', () => {
    const { problems } = communityFromEnv('MY_SECRET', 'short', 'Site-2026', -5);
    expect(problems.map((problem) => problem.path).sort()).toEqual(['$MY_SECRET', '--kid', '--min-lifetime']);
    for (const problem of problems) expect(Object.keys(problem).sort()).toEqual(['code', 'message', 'path']), expect(problem).toEqual(shape);
  });
});

describe('problemLines: how check and explain print them', () => {
  it('one "  path: message" line each', () => {
    expect(problemLines([{ path: 'jwtKeys[0].id', code: 'ERR_COMMUNITY_INVALID', message: 'bad id.' }, { path: '--kid', code: 'ERR_COMMUNITY_INVALID', message: 'bad kid.' }])).toBe('  jwtKeys[0].id: bad id.\n  --kid: bad kid.\n');
    expect(problemLines([])).toBe('');
  });
});

describe('communityFromEnv: SPEC §13, one HS256 key from the environment', () => {
  it("defines one key with the SPEC's defaults, or the minTokenLifetime given", () => {
    const loaded = communityFromEnv('CHATQ_HS256_SECRET', SECRET, 'site_2026', undefined);
    expect(loaded.path).toBe('$CHATQ_HS256_SECRET');
    expect(loaded.config).toEqual({ jwtKeys: [{ id: 'site_2026', secret: SECRET }] });
    expect(loaded.community).toMatchObject({ id: 'default', signedIdentities: 'require', minTokenLifetime: 3600, clockTolerance: 10 });
    expect(loaded.community?.keys.map((key) => key.id)).toEqual(['site_2026']);
    expect(communityFromEnv('S', SECRET, 'k', 0).community?.minTokenLifetime).toBe(0);
  });

  it('names each problem by what the user gave: the variable, --kid, --min-lifetime', () => {
    const loaded = communityFromEnv('MY_SECRET', `${SECRET}\n`, 'Site-2026', -5);
    expect(loaded.community).toBeUndefined();
    expect(loaded.problems.map((problem) => problem.path).sort()).toEqual(['$MY_SECRET', '--kid', '--min-lifetime']);
    expect(JSON.stringify(loaded.problems)).not.toContain(SECRET);
  });
});
