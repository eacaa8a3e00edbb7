/**
 * The server's errors, members of chatq's one family (ChatqError,
 * src/identity/errors.ts): the messaging side's configuration error and the
 * engine's run-time error. They live here, above store/, engine/ and
 * handler/, so each of those imports them from here and none imports
 * another for its errors (issue 21 item 3: store/ and engine/ imported each other).
 */
import { ChatqError, describeProblems, type ConfigProblem, type EngineErrorCode } from '../identity/index.js';

export type { EngineErrorCode } from '../identity/index.js';

/**
 * The configuration error of chatq's messaging side: an option of
 * createMessagingHandler, toNodeListener, createMemoryEngine,
 * createMemoryStore, createRedisEngine or createSqliteEngine that cannot work.
 * Thrown when the thing is created — an integrator's mistake found at
 * start-up, never an answer to a request. `problems` lists every problem
 * found, each with its path (`path` is the first's), as IdentityError's do
 * for the community (ERR_COMMUNITY_INVALID) and the verifier (ERR_VERIFIER_CONFIG).
 *
 * Since 0.3.0 a ChatqError, no longer a TypeError (CHANGELOG).
 */
export class MessagingConfigError extends ChatqError {
  override name = 'MessagingConfigError';
  declare readonly code: 'ERR_HANDLER_CONFIG';
  declare readonly path: string;

  /** `problems`, when given, lists every problem found; without it the one problem is `path` and `message`. */
  constructor(path: string, message: string, problems?: readonly Omit<ConfigProblem, 'code'>[]) {
    super('ERR_HANDLER_CONFIG', message, { path, problems: problems !== undefined && problems.length > 0 ? problems : [{ path, message }] });
  }
}

/**
 * Collects the messaging side's configuration problems so that one
 * MessagingConfigError lists them all. A check that throws a
 * MessagingConfigError adds its problems instead (`attempt`); anything else
 * it throws is a bug and goes on.
 */
export class ConfigProblems {
  private readonly list: Omit<ConfigProblem, 'code'>[] = [];

  constructor(private readonly what: string) {}

  add(path: string, message: string): void {
    this.list.push({ path, message });
  }

  /** Runs `check`; when it throws a MessagingConfigError, notes its problems and returns `fallback`. */
  attempt<T>(check: () => T, fallback: T): T {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof MessagingConfigError)) throw error;
      for (const problem of error.problems) this.add(problem.path, problem.message);
      return fallback;
    }
  }

  get size(): number {
    return this.list.length;
  }

  /** Throws one MessagingConfigError listing every problem noted, if there is any. */
  throwIfAny(): void {
    if (this.list.length === 0) return;
    throw new MessagingConfigError(this.list[0]!.path, describeProblems(this.what, this.list), this.list);
  }
}

/**
 * An engine could not do what was asked, through no fault of the request:
 * its backend is unreachable and nothing was written (`ERR_UNAVAILABLE`), it
 * is full (`ERR_CAPACITY`), or a write was sent but never confirmed, so it may
 * or may not have been stored (`ERR_OUTCOME_UNKNOWN`: only `appendMessage`
 * throws it; the handler retries an append that has a clientId once). The
 * handler answers with ENGINE_ERROR_STATUS and `Retry-After`.
 */
export class EngineError extends ChatqError {
  override name = 'EngineError';
  declare readonly code: EngineErrorCode;
  /** Seconds a client should wait before trying again. */
  readonly retryAfter: number;

  constructor(code: EngineErrorCode, message: string, retryAfter = code === 'ERR_UNAVAILABLE' ? 2 : 30) {
    super(code, message);
    this.retryAfter = retryAfter;
  }
}

/**
 * How an EngineError travels over HTTP: its code unchanged (an engine code IS
 * a protocol code, EngineErrorCode), with this status and Retry-After.
 */
export const ENGINE_ERROR_STATUS: Readonly<Record<EngineErrorCode, number>> = Object.freeze({
  ERR_UNAVAILABLE: 503,
  ERR_CAPACITY: 503,
  ERR_OUTCOME_UNKNOWN: 503,
});

/** Duck-typed on name and code, so an engine from another copy of the package is understood too. */
export function isEngineError(error: unknown): error is EngineError {
  return error instanceof Error && error.name === 'EngineError' && typeof (error as { code?: unknown }).code === 'string'
    && Object.hasOwn(ENGINE_ERROR_STATUS, (error as unknown as { code: string }).code);
}
