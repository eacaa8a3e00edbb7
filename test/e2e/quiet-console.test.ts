/**
 * A chat widget must not make noise in its host's console (issue 3, SPEC §5):
 * integrators read every red line as a bug of theirs. In require mode the
 * widget learns the policy with `GET {base}/v1/policy` instead of an anonymous
 * registration the server would refuse (a "Failed to load resource: 401"), and
 * judges a token's lifetime against the community's own minTokenLifetime.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeBrowser, jwtFor, type PageProbe, type Stage, useStage, waitForLauncher } from './harness.js';

/** Every console error and warning, every failed request or ≥ 400 answer, every page error. */
const noise = (probe: PageProbe) => ({
  console: probe.consoleAll,
  failedRequests: probe.failedRequests,
  pageErrors: probe.pageErrors,
});
const QUIET = { console: [], failedRequests: [], pageErrors: [] };

/** The chat-server calls a page made, as `METHOD /path` (loader.js and preflights left out). */
const apiCalls = (probe: PageProbe, stage: Stage) =>
  probe.requests
    .filter((r) => r.url.startsWith(`${stage.chat.base}/v1/`) && r.method !== 'OPTIONS')
    .map((r) => `${r.method} ${r.url.slice(stage.chat.base.length)}`);

/**
 * Waits until the widget has asked for the policy and, with `stream`, opened its
 * message stream, then a little longer for anything it would do next. (Not
 * 'networkidle': the open stream keeps the network busy for good.)
 */
async function settled(page: Page, probe: PageProbe, stream = false): Promise<void> {
  const asked = (path: string) => probe.requests.some((r) => r.url.includes(path));
  await expect.poll(() => asked('/v1/policy') && (!stream || asked('/v1/stream')), { timeout: 10_000 }).toBe(true);
  await page.waitForTimeout(500);
}

describeBrowser('require mode: a quiet host page', () => {
  const jwt = jwtFor('quiet-1', 3600);
  const stage = useStage();

  it('with no identity: only the policy is asked for, no launcher, zero console errors and zero failed requests', async () => {
    const { page, probe, w } = await stage.visit('/shop.html');
    await settled(page, probe);
    expect(apiCalls(probe, stage)).toEqual(['GET /v1/policy']);
    expect(await w.launcher.isVisible()).toBe(false);
    expect(noise(probe)).toEqual(QUIET);
  });

  it('with a JWT queued before load: one registration, the launcher, and still not one console error or failed request', async () => {
    stage.hostPage('/queued.html', { setup: `_chatq.push(['_setSignedIdentity', ${JSON.stringify(jwt)}]);` });
    const { page, probe } = await stage.visit('/queued.html');
    await waitForLauncher(page);
    await settled(page, probe, true);
    const calls = apiCalls(probe, stage);
    expect(calls.filter((c) => c === 'POST /v1/identity')).toHaveLength(1);
    expect(calls).toEqual(expect.arrayContaining(['GET /v1/policy', 'POST /v1/identity', 'GET /v1/conversation', 'GET /v1/stream?events=presence,typing,read']));
    expect(noise(probe)).toEqual(QUIET);
  });
});

describeBrowser('token lifetime warnings against the community in use (the demo lowers minTokenLifetime to 30 s)', () => {
  const stage = useStage({ community: { minTokenLifetime: 30, clockTolerance: 5 } });

  it('a JWT valid for 45 s, queued before load (policy not known yet) or pushed after: no warning, verified', async () => {
    stage.hostPage('/short.html', { setup: `_chatq.push(['_setSignedIdentity', ${JSON.stringify(jwtFor('short-1', 45))}]);` });
    const queued = await stage.visit('/short.html');
    await waitForLauncher(queued.page);
    await settled(queued.page, queued.probe, true);
    expect(noise(queued.probe)).toEqual(QUIET);

    const pushed = await stage.visitSignedIn('/shop.html', jwtFor('short-2', 45));
    await settled(pushed.page, pushed.probe, true);
    expect(noise(pushed.probe)).toEqual(QUIET);
  });

  it('a JWT valid for 20 s is reported once, against the 30 s the server requires (and refused)', async () => {
    stage.hostPage('/too-short.html', { setup: `_chatq.push(['_setSignedIdentity', ${JSON.stringify(jwtFor('short-3', 20))}]);` });
    const { page, probe, w } = await stage.visit('/too-short.html');
    const told = (): string[] => probe.consoleAll.filter((m) => m.startsWith('error: chatq:') || m.startsWith('warning:'));
    await expect.poll(() => told().length, { timeout: 10_000 }).toBe(1);
    await settled(page, probe);
    // The server's refusal, in its words (on its clock, against the community's minimum), and nothing else.
    expect(told()).toEqual([expect.stringMatching(/^error: chatq: ERR_JWT_EXP_TOO_SOON: exp is \d+ seconds ahead; .*minTokenLifetime 30 s/)]);
    expect(await w.launcher.isVisible()).toBe(false);
  });
});
