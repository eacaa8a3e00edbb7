/** src/server/verifier/problems.ts: one configuration error listing every problem with its path (SPEC §3). */
import { describe, expect, it } from 'vitest';
import { IdentityError } from '../../../src/identity/index.js';
import { checkKnownKeys, closestName, describeType, isPlainObject, Problems, unknownOptionMessage } from '../../../src/server/verifier/problems.js';

describe('Problems', () => {
  it('throws nothing when there is no problem', () => {
    expect(() => new Problems().throwIfAny()).not.toThrow();
  });

  it('throws ERR_COMMUNITY_INVALID listing every problem, each with its path, the first as the path', () => {
    const problems = new Problems();
    problems.add('jwtKeys[0].secret', 'must be 24 characters.');
    problems.add('clockTolerance', 'must be at most 300.');
    let thrown: unknown;
    try {
      problems.throwIfAny();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(IdentityError);
    const error = thrown as IdentityError;
    expect(error.code).toBe('ERR_COMMUNITY_INVALID');
    expect(error.message).toBe('The community configuration has 2 problems:\n  - jwtKeys[0].secret: must be 24 characters.\n  - clockTolerance: must be at most 300.');
    expect(error.path).toBe('jwtKeys[0].secret');
    expect(error.problems).toEqual([
      { code: 'ERR_COMMUNITY_INVALID', path: 'jwtKeys[0].secret', message: 'must be 24 characters.' },
      { code: 'ERR_COMMUNITY_INVALID', path: 'clockTolerance', message: 'must be at most 300.' },
    ]);
  });

  it('says "a problem" for one, and names what was checked', () => {
    const problems = new Problems();
    problems.add('key.id', 'must be set.');
    expect(() => problems.throwIfAny('key configuration')).toThrow('The key configuration has a problem:\n  - key.id: must be set.');
  });
});

describe('describeType', () => {
  it('describes a value by its type only, never its content', () => {
    expect(describeType(null)).toBe('null');
    expect(describeType([1])).toBe('an array');
    expect(describeType('hunter2-secret')).toBe('a string of 14 characters');
    expect(describeType({ a: 1 })).toBe('an object');
    expect(describeType(3)).toBe('number');
    expect(describeType(undefined)).toBe('undefined');
  });
});

describe('isPlainObject', () => {
  it('accepts objects, not arrays or null', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(null)).toBe(false);
    expect(isPlainObject('x')).toBe(false);
  });
});

describe('checkKnownKeys and unknownOptionMessage', () => {
  it('reports each unknown key under its path, with the name it most likely meant', () => {
    const problems = new Problems();
    checkKnownKeys({ id: 'k', publickey: 'x', colour: 1 }, ['id', 'secret', 'publicKey'], 'jwtKeys[0]', problems);
    expect(problems.list).toEqual([
      { path: 'jwtKeys[0].publickey', message: 'unknown option "publickey" (did you mean "publicKey"?); known options are id, secret, publicKey.' },
      { path: 'jwtKeys[0].colour', message: 'unknown option "colour"; known options are id, secret, publicKey.' },
    ]);
  });

  it('cuts a long unknown name to 40 characters in the path and the message', () => {
    const problems = new Problems();
    checkKnownKeys({ ['x'.repeat(100)]: 1 }, ['id'], '', problems);
    expect(problems.list[0]!.path).toBe('x'.repeat(40));
    expect(unknownOptionMessage('y'.repeat(100), ['id'])).toBe(`unknown option "${'y'.repeat(40)}"; known options are id.`);
  });
});

describe('closestName', () => {
  it('finds another case, a containing name, a typo and a swap', () => {
    const known = ['allowedOrigins', 'agentToken', 'minTokenLifetime', 'clockTolerance'];
    expect(closestName('ALLOWEDORIGINS', known)).toBe('allowedOrigins');
    expect(closestName('origins', known)).toBe('allowedOrigins');
    expect(closestName('agentTokn', known)).toBe('agentToken');
    expect(closestName('cluckTolerance', known)).toBe('clockTolerance');
    expect(closestName('agnetToken', known)).toBe('agentToken');
  });

  it('guesses nothing when no name is close', () => {
    expect(closestName('redisUrl', ['allowedOrigins', 'agentToken'])).toBeUndefined();
    expect(closestName('ab', ['abcdef'])).toBeUndefined();
  });
});
