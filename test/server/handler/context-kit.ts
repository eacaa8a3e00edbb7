/**
 * Kit for the handler modules' own tests. A HandlerContext on the real memory engine, for the tests of the modules
 * routes call with one (rate.ts, sessions.ts, agents/*): its clock is a
 * number the test moves, its limiter's keys and its warnings are recorded.
 */
import { afterEach } from 'vitest';
import type { VerifiedIdentity } from '../../../src/identity/index.js';
import { MessagingConfigError } from '../../../src/server/errors.js';
import { thrownBy } from '../../helpers/thrown.js';
import { createMemoryEngine } from '../../../src/server/engine/memory.js';
import type { BusEvent } from '../../../src/server/engine/types.js';
import type { HandlerContext } from '../../../src/server/handler/context.js';
import { HttpError } from '../../../src/server/handler/http/errors.js';
import { LiveHub } from '../../../src/server/handler/live/hub.js';
import { DEFAULT_LIMITS, type HandlerLimits } from '../../../src/server/handler/options.js';
import { verifierDouble } from './helpers.js';

export interface TestContext extends HandlerContext {
  /** The clock `now()` reads (ms); move it with `clock.at = …`. */
  readonly clock: { at: number };
  /** Every key the limiter was asked for, in order. */
  readonly taken: string[];
  readonly warnings: string[];
  readonly published: Exclude<BusEvent, { type: 'resync' }>[];
}

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

export function testContext(overrides: Partial<Omit<HandlerContext, 'limits'>> & { limits?: Partial<HandlerLimits> } = {}): TestContext {
  const engine = createMemoryEngine();
  closers.push(() => engine.close());
  const clock = { at: Date.UTC(2026, 0, 1) };
  const taken: string[] = [];
  const warnings: string[] = [];
  const published: Exclude<BusEvent, { type: 'resync' }>[] = [];
  const { limits, ...rest } = overrides;
  return {
    verifier: verifierDouble(),
    community: 'shop',
    mode: undefined,
    store: engine.store,
    limiter: {
      take(key, perMinute, now) {
        taken.push(key);
        return engine.limiter.take(key, perMinute, now);
      },
    },
    limits: { ...DEFAULT_LIMITS, ...limits },
    now: () => clock.at,
    logger: { warn: (message) => void warnings.push(message) },
    hub: new LiveHub(engine.bus, 'shop'),
    publish: (event) => void published.push(event),
    agents: undefined,
    basePath: '',
    clock,
    taken,
    warnings,
    published,
    ...rest,
  };
}

/** An unsigned visitor's identity, as the verifier hands it to the store. */
export function unsignedIdentity(uuid = 'visitor-1'): VerifiedIdentity {
  return { uuid, uuidSource: 'automated', signed: false, fields: {}, customFields: {}, extraValues: {}, warnings: [] };
}

/** The MessagingConfigError `run` throws (anything else, or nothing, fails the test). */
export function configError(run: () => unknown): MessagingConfigError {
  return thrownBy(MessagingConfigError, run);
}

/** The HttpError `promise` rejects with (anything else, or a resolution, fails the test). */
export async function httpError(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof HttpError)) throw new Error(`expected an HttpError, got ${String(error)}`);
  return error;
}
