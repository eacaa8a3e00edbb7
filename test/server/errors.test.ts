/**
 * The server's errors (src/server/errors.ts): the messaging side's
 * configuration error and its collector, and the engine's run-time error
 * with the HTTP status and Retry-After it travels with.
 */
import { describe, expect, it } from 'vitest';
import { ChatqError, isChatqError } from '../../src/identity/index.js';
import { ConfigProblems, ENGINE_ERROR_STATUS, EngineError, isEngineError, MessagingConfigError } from '../../src/server/errors.js';

describe('MessagingConfigError', () => {
  it('is a ChatqError with ERR_HANDLER_CONFIG whose one problem is its path and message', () => {
    const error = new MessagingConfigError('limits.messageLength', 'limits.messageLength: must be a positive integer.');
    expect(error).toBeInstanceOf(ChatqError);
    expect(isChatqError(error)).toBe(true);
    expect(error).not.toBeInstanceOf(TypeError);
    expect(error.name).toBe('MessagingConfigError');
    expect(error.code).toBe('ERR_HANDLER_CONFIG');
    expect(error.path).toBe('limits.messageLength');
    expect(error.problems).toEqual([{ path: 'limits.messageLength', code: 'ERR_HANDLER_CONFIG', message: 'limits.messageLength: must be a positive integer.' }]);
  });

  it('lists the problems it is given, each with the code; an empty list counts as none given', () => {
    const listed = new MessagingConfigError('a', 'two problems', [{ path: 'a', message: 'bad a' }, { path: 'b', message: 'bad b' }]);
    expect(listed.problems.map((problem) => [problem.path, problem.code, problem.message])).toEqual([
      ['a', 'ERR_HANDLER_CONFIG', 'bad a'],
      ['b', 'ERR_HANDLER_CONFIG', 'bad b'],
    ]);
    expect(new MessagingConfigError('c', 'bad c', []).problems).toEqual([{ path: 'c', code: 'ERR_HANDLER_CONFIG', message: 'bad c' }]);
  });
});

describe('ConfigProblems', () => {
  it('throws nothing while no problem was noted', () => {
    const problems = new ConfigProblems('createMessagingHandler options');
    expect(problems.size).toBe(0);
    expect(() => problems.throwIfAny()).not.toThrow();
  });

  it('throws one error with the single problem as its message', () => {
    const problems = new ConfigProblems('createMessagingHandler options');
    problems.add('basePath', 'basePath: must start with /.');
    const error = catchError(() => problems.throwIfAny());
    expect(error).toBeInstanceOf(MessagingConfigError);
    expect(error.message).toBe('basePath: must start with /.');
    expect(error.path).toBe('basePath');
  });

  it('throws one error listing every problem with its path, the first as `path`', () => {
    const problems = new ConfigProblems('createMessagingHandler options');
    problems.add('basePath', 'must start with /');
    problems.add('limits.body', 'must be a number');
    expect(problems.size).toBe(2);
    const error = catchError(() => problems.throwIfAny());
    expect(error.message).toBe('createMessagingHandler options has 2 problems:\n  - basePath: must start with /\n  - limits.body: must be a number');
    expect(error.path).toBe('basePath');
    expect(error.problems.map((problem) => problem.path)).toEqual(['basePath', 'limits.body']);
  });

  it('attempt returns the check’s value, or notes every problem of a MessagingConfigError and returns the fallback', () => {
    const problems = new ConfigProblems('options');
    expect(problems.attempt(() => 7, 0)).toBe(7);
    const thrown = new MessagingConfigError('x', 'two', [{ path: 'x.a', message: 'bad a' }, { path: 'x.b', message: 'bad b' }]);
    expect(problems.attempt(() => { throw thrown; }, 'fallback')).toBe('fallback');
    expect(problems.size).toBe(2);
    expect(catchError(() => problems.throwIfAny()).problems.map((problem) => problem.path)).toEqual(['x.a', 'x.b']);
  });

  it('attempt lets any other error through: it is a bug, not a configuration problem', () => {
    const problems = new ConfigProblems('options');
    const bug = new RangeError('a bug');
    expect(() => problems.attempt(() => { throw bug; }, 0)).toThrow(bug);
    expect(problems.size).toBe(0);
  });
});

describe('EngineError', () => {
  it('carries its code and tells clients to retry after 2 s when unavailable, 30 s otherwise', () => {
    const unavailable = new EngineError('ERR_UNAVAILABLE', 'Redis is unreachable.');
    expect(unavailable).toBeInstanceOf(ChatqError);
    expect([unavailable.name, unavailable.code, unavailable.message, unavailable.retryAfter]).toEqual(['EngineError', 'ERR_UNAVAILABLE', 'Redis is unreachable.', 2]);
    expect(new EngineError('ERR_CAPACITY', 'full').retryAfter).toBe(30);
    expect(new EngineError('ERR_OUTCOME_UNKNOWN', 'not confirmed').retryAfter).toBe(30);
    expect(new EngineError('ERR_UNAVAILABLE', 'down', 9).retryAfter).toBe(9);
  });

  it('travels over HTTP as 503 for every engine code, in a table that cannot be changed', () => {
    expect(ENGINE_ERROR_STATUS).toEqual({ ERR_UNAVAILABLE: 503, ERR_CAPACITY: 503, ERR_OUTCOME_UNKNOWN: 503 });
    expect(Object.isFrozen(ENGINE_ERROR_STATUS)).toBe(true);
  });
});

describe('isEngineError', () => {
  it('knows an EngineError, and one from another copy of the package by its name and code', () => {
    expect(isEngineError(new EngineError('ERR_CAPACITY', 'full'))).toBe(true);
    const foreign = Object.assign(new Error('down'), { name: 'EngineError', code: 'ERR_UNAVAILABLE' });
    expect(isEngineError(foreign)).toBe(true);
  });

  it('refuses an error whose code is not an engine code, one without a code, and what is not an Error', () => {
    expect(isEngineError(Object.assign(new Error('x'), { name: 'EngineError', code: 'ERR_HANDLER_CONFIG' }))).toBe(false);
    expect(isEngineError(Object.assign(new Error('x'), { name: 'EngineError', code: 'toString' }))).toBe(false);
    expect(isEngineError(Object.assign(new Error('x'), { name: 'EngineError' }))).toBe(false);
    expect(isEngineError(Object.assign(new Error('x'), { code: 'ERR_UNAVAILABLE' }))).toBe(false);
    expect(isEngineError({ name: 'EngineError', code: 'ERR_UNAVAILABLE', message: 'x' })).toBe(false);
    expect(isEngineError(new MessagingConfigError('a', 'b'))).toBe(false);
  });
});

/** The MessagingConfigError `run` throws (the test fails if it throws nothing or something else). */
function catchError(run: () => void): MessagingConfigError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(MessagingConfigError);
  return caught as MessagingConfigError;
}
