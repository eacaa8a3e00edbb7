import { describe, expect, it } from 'vitest';
import { readOptions } from '../../../src/server/handler/read-options.js';
import type { MessagingHandlerOptions } from '../../../src/server/handler/options.js';
import { configError } from './context-kit.js';
import { verifierDouble } from './helpers.js';

const options = (extra: Record<string, unknown> = {}): MessagingHandlerOptions =>
  ({ verifier: verifierDouble(), allowedOrigins: ['https://shop.test'], logger: { warn() {} }, ...extra }) as MessagingHandlerOptions;

describe("readOptions: createMessagingHandler's options in one pass", () => {
  it('reads the defaults of the smallest valid options', () => {
    const read = readOptions(options());
    expect(read).toMatchObject({ basePath: '', publicOrigin: undefined, agentSetup: undefined, communityId: 'default', communityOption: undefined, webhooks: { endpoints: [], unansweredAfterMs: 300_000 } });
    expect(read.limits.maxBodyBytes).toBe(16_384);
  });

  it('normalizes what it reads: basePath, publicOrigin, limits, agents, communityId', () => {
    const read = readOptions(options({ basePath: '/chatq/', publicOrigin: 'https://Chat.test/', limits: { maxBodyBytes: 100 }, agentToken: 'a'.repeat(32), communityId: 'shop' }));
    expect(read).toMatchObject({ basePath: '/chatq', publicOrigin: 'https://chat.test', communityId: 'shop', communityOption: 'shop' });
    expect(read.limits.maxBodyBytes).toBe(100);
    expect(read.agentSetup?.listed).toEqual([{ id: 'agent', name: 'Agent' }]);
  });

  it("builds the CORS policy from allowedOrigins: a listed origin is allowed, another is not", () => {
    const { cors } = readOptions(options());
    const from = (origin: string) => cors.check(new Request('https://chat.test/v1/policy', { headers: { Origin: origin } }));
    expect(from('https://shop.test').allowed).toBe(true);
    expect(from('https://evil.test').allowed).toBe(false);
  });

  it("takes the community id from the verifier when the option is not set", () => {
    const verifier = Object.assign(verifierDouble(), { communityId: 'from-verifier' });
    expect(readOptions(options({ verifier })).communityId).toBe('from-verifier');
  });

  it('reads the old name community with a warning, and refuses it beside communityId', () => {
    const warnings: string[] = [];
    const read = readOptions(options({ community: 'legacy-read-options', logger: { warn: (m: string) => warnings.push(m) } }));
    expect(read).toMatchObject({ communityId: 'legacy-read-options', communityOption: 'legacy-read-options' });
    expect(warnings.join('\n')).toMatch(/community is now communityId/);
    expect(configError(() => readOptions(options({ community: 'a', communityId: 'b' }))).path).toBe('community');
    expect(configError(() => readOptions(options({ community: 'Bad Id' }))).path).toBe('community');
  });

  it('lists every problem of every option in one error (issue 21 item 3), each with its path', () => {
    const error = configError(() =>
      readOptions(
        options({
          allowedOrigins: 5,
          basePath: 'chatq',
          publicOrigin: 'https://chat.test/x',
          agentToken: 'short',
          communityId: 'Bad Id',
          limits: { maxBodyBytes: -1 },
          unansweredAfter: 1,
        }),
      ),
    );
    expect(error.code).toBe('ERR_HANDLER_CONFIG');
    expect(error.problems.map((problem) => problem.path)).toEqual(['allowedOrigins', 'basePath', 'publicOrigin', 'agentToken', 'communityId', 'limits.maxBodyBytes', 'unansweredAfter']);
    expect(error.message).toMatch(/^createMessagingHandler has 7 problems:\n  - allowedOrigins: /);
  });

  it('lists a basePath of the wrong type with the other problems', () => {
    const error = configError(() => readOptions(options({ basePath: 5, publicOrigin: 'nope' })));
    expect(error.problems.map((problem) => problem.path)).toEqual(['basePath', 'publicOrigin']);
  });

  it('refuses an unknown option before anything else is read, and a non-object at once', () => {
    const unknown = configError(() => readOptions(options({ basepath: '/chatq', basePath: 'bad' })));
    expect(unknown.problems.map((problem) => problem.path)).toEqual(['basepath']);
    expect(configError(() => readOptions(null as never)).problems.map((problem) => problem.path)).toContain('options');
  });
});
