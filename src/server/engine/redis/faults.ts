import { EngineError } from '../types.js';

/** A command that has not answered in this long fails: SPEC §8 asks for a 503 within a few seconds. */
export const COMMAND_DEADLINE_MS = 3000;

/** Replies that mean "Redis cannot serve right now", not "this command is wrong". */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|READONLY|NOREPLICAS|NOTREADY)\b/;

/**
 * Runs one Redis call under a deadline and turns what means "Redis is not
 * there" (a closed connection, a timeout, a server still loading its data) into
 * `EngineError('ERR_UNAVAILABLE')`, and an out-of-memory refusal into
 * `ERR_CAPACITY`, which the handler answers with 503 and Retry-After. Any other
 * reply error is a bug and stays an error (500).
 */
export async function guarded<T>(run: () => Promise<T>, deadlineMs = COMMAND_DEADLINE_MS, ready?: () => Promise<void>, write = false): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sent = false;
  const start = (): Promise<T> => {
    sent = true;
    return run();
  };
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unavailable('Redis did not answer in time')), deadlineMs);
  });
  try {
    return await Promise.race([ready ? ready().then(start) : start(), deadline]);
  } catch (error) {
    if (write && sent && mayHaveRun(error)) throw outcomeUnknown();
    throw translate(error);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether a write that was handed to the connection may have run although it
 * failed: no reply came (a deadline, a connection lost in flight). A reply
 * error is Redis' own refusal, and an unwritable stream never sent it.
 */
function mayHaveRun(error: unknown): boolean {
  if (!(error instanceof Error) || error.name === 'ReplyError') return false;
  return !/Stream isn't writeable|enableOfflineQueue/.test(error.message);
}

function outcomeUnknown(): EngineError {
  return new EngineError(
    'ERR_OUTCOME_UNKNOWN',
    "The chat server's storage did not confirm the write in time: it may have been stored; retry with the same clientId.",
    2,
  );
}

function unavailable(detail: string): EngineError {
  return new EngineError('ERR_UNAVAILABLE', `The chat server's storage is unreachable (${detail}); try again shortly.`, 2);
}

export function translate(error: unknown): unknown {
  if (error instanceof EngineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const isReply = error instanceof Error && error.name === 'ReplyError';
  if (isReply && /^OOM\b/.test(message)) {
    return new EngineError('ERR_CAPACITY', 'The chat server is at capacity (its Redis is out of memory); try again later.', 60);
  }
  if (isReply && !UNAVAILABLE_REPLY.test(message)) return error;
  return unavailable(message.split('\n', 1)[0]!.slice(0, 120));
}

/**
 * Runs Redis calls under {@link guarded}, waiting (within the same deadline)
 * for a client that is still connecting. With `write`, a command that was sent
 * but not answered fails with `ERR_OUTCOME_UNKNOWN` instead of `ERR_UNAVAILABLE`.
 */
export type Guard = <T>(run: () => Promise<T>, options?: { write?: boolean }) => Promise<T>;

export function createGuard(client: { status: string; once(event: 'ready', listener: () => void): unknown }): Guard {
  // One shared wait per outage, not one listener per request (they would pile up while Redis is down).
  let waiting: Promise<void> | undefined;
  const ready = (): Promise<void> => {
    if (client.status === 'ready') return Promise.resolve();
    waiting ??= new Promise<void>((resolve) => {
      client.once('ready', () => {
        waiting = undefined;
        resolve();
      });
    });
    return waiting;
  };
  return (run, options) => guarded(run, COMMAND_DEADLINE_MS, ready, options?.write === true);
}
