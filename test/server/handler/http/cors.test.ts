/**
 * The refused-origin log (SPEC §6 "Fitting", issue 16 low 3): per window of
 * time, not per process lifetime. 100 made-up Origin values once filled a
 * lifetime cap, and the integrator's real, misconfigured site was never logged.
 */
import { describe, expect, it } from 'vitest';
import type { MessagingHandler } from '../../../../src/server/handler/index.js';
import { useHandlers } from '../helpers.js';

const handlerFor = useHandlers();
const REAL = 'https://www.shop.test';
const WINDOW_MS = 10 * 60_000;

/** A handler with a clock the test moves, and the lines it logged. */
function loggingHandler(): { handler: MessagingHandler; logged: string[]; advance(ms: number): void } {
  const logged: string[] = [];
  let clock = 1_000_000;
  const handler = handlerFor({ now: () => clock, logger: { warn: (message) => void logged.push(message) } });
  return { handler, logged, advance: (ms) => void (clock += ms) };
}

async function policyFrom(handler: MessagingHandler, origin: string): Promise<void> {
  const response = await handler(new Request('https://chat.test/v1/policy', { headers: { Origin: origin } }));
  expect(response.status).toBe(403);
}

const namedLines = (logged: string[], origin: string): string[] => logged.filter((line) => line.includes(`refused requests from origin ${JSON.stringify(origin)}`));

describe('refused origins are logged per window of time', () => {
  it('a real origin refused after 100 junk ones is named in the "N more" line and by itself in the next window', async () => {
    const { handler, logged, advance } = loggingHandler();
    for (let i = 0; i < 100; i++) await policyFrom(handler, `https://s${i}.evil.test`);
    // The integrator's site, refused on every page view.
    for (let i = 0; i < 20; i++) await policyFrom(handler, REAL);
    expect(logged).toHaveLength(10);
    expect(namedLines(logged, REAL)).toEqual([]);
    advance(WINDOW_MS);
    await policyFrom(handler, REAL);
    expect(logged).toHaveLength(12);
    expect(logged[10]).toMatch(/^chatq: 110 more refused requests in 10 minutes from origins not in allowedOrigins and not named above \(most often "https:\/\/www\.shop\.test"/);
    expect(namedLines(logged, REAL)).toHaveLength(1);
  });

  it('names an origin once per window, and again in the next one', async () => {
    const { handler, logged, advance } = loggingHandler();
    await policyFrom(handler, REAL);
    await policyFrom(handler, REAL);
    expect(logged).toEqual([`chatq: refused requests from origin "${REAL}", which is not in allowedOrigins (each origin is named at most once in 10 minutes).`]);
    advance(WINDOW_MS - 1);
    await policyFrom(handler, REAL);
    expect(logged).toHaveLength(1);
    advance(1);
    await policyFrom(handler, REAL);
    expect(namedLines(logged, REAL)).toHaveLength(2);
  });

  it('a flood costs at most 10 named lines and one "N more" line per window', async () => {
    const { handler, logged, advance } = loggingHandler();
    for (let window = 0; window < 3; window++) {
      for (let i = 0; i < 1_000; i++) await policyFrom(handler, `https://w${window}-${i}.evil.test`);
      advance(WINDOW_MS);
    }
    await policyFrom(handler, REAL);
    const more = logged.filter((line) => line.includes('more refused requests'));
    expect(more).toHaveLength(3);
    expect(more[0]).toMatch(/^chatq: 990 more refused requests/);
    expect(logged).toHaveLength(3 * 10 + 3 + 1);
  });

  it('an origin value is cut to 200 characters in the log', async () => {
    const { handler, logged } = loggingHandler();
    await policyFrom(handler, `https://${'a'.repeat(500)}.test`);
    expect(logged[0]!.length).toBeLessThan(400);
  });
});
