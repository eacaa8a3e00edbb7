import { afterEach, describe, expect, it } from 'vitest';
import { createAgentAccess, type AgentAccess } from '../../../../src/server/handler/agents/access.js';
import { resolveAgents } from '../../../../src/server/handler/agents/config.js';
import { sha256Base64url } from '../../../../src/server/handler/crypto.js';
import type { LiveHub } from '../../../../src/server/handler/live/hub.js';

const ANA = { id: 'ana', name: 'Ana', token: 'a'.repeat(32) };
const BO = { id: 'bo', name: 'Bo', token: 'b'.repeat(32) };

const opened: AgentAccess[] = [];
afterEach(() => {
  for (const access of opened.splice(0)) access.presence.close();
});

/** Access with a hub that records what the agents' and the visitors' streams were told. */
function access(replyTime?: string) {
  const told = { agents: [] as unknown[], visitors: [] as unknown[] };
  const hub = { notifyAgents: (event: unknown) => told.agents.push(event), notifyVisitors: (event: unknown) => told.visitors.push(event) } as unknown as LiveHub;
  const published: unknown[] = [];
  const setup = resolveAgents({ agents: [ANA, BO], ...(replyTime ? { replyTime } : {}) })!;
  const made = createAgentAccess(setup, { publicOrigin: 'https://chat.test', hub, intervalMs: 60_000, publish: (event) => published.push(event) });
  opened.push(made);
  return { access: made, told, published };
}

describe('createAgentAccess', () => {
  it("keeps the setup and publicOrigin, and each token only as its SHA-256 beside its agent", async () => {
    const { access: made } = access();
    expect(made.publicOrigin).toBe('https://chat.test');
    expect(await made.tokenHashes).toEqual([
      [await sha256Base64url(ANA.token), { id: 'ana', name: 'Ana' }],
      [await sha256Base64url(BO.token), { id: 'bo', name: 'Bo' }],
    ]);
  });

  it('tells visitors nobody is available before any agent stream opens, with the replyTime when set', () => {
    expect(access().access.visitorPresence()).toEqual({ available: false });
    expect(access('Within an hour').access.visitorPresence()).toEqual({ available: false, replyTime: 'Within an hour' });
  });

  it('asks the other instances who is there as it starts', () => {
    expect(access().published).toContainEqual(expect.objectContaining({ type: 'presence_query' }));
  });

  it("tells agent streams every change of who is available, visitors only when availability flips", () => {
    const { access: made, told } = access('Within an hour');
    const closeAna = made.presence.connect('ana');
    const closeBo = made.presence.connect('bo');
    expect(made.visitorPresence()).toEqual({ available: true, replyTime: 'Within an hour' });
    closeAna();
    closeBo();
    expect(told.agents).toEqual([
      { type: 'presence', available: ['ana'] },
      { type: 'presence', available: ['ana', 'bo'] },
      { type: 'presence', available: ['bo'] },
      { type: 'presence', available: [] },
    ]);
    expect(told.visitors).toEqual([
      { type: 'presence', available: true, replyTime: 'Within an hour' },
      { type: 'presence', available: false, replyTime: 'Within an hour' },
    ]);
  });

  it("does not count an agent who set their status away", () => {
    const { access: made, told } = access();
    made.presence.setStatus('ana', 'away');
    made.presence.connect('ana');
    expect(made.visitorPresence()).toEqual({ available: false });
    expect(told.visitors).toEqual([]);
  });
});
