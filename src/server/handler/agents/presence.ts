import type { AgentStatus } from '../../../identity/index.js';
import type { BusEvent } from '../../engine/types.js';
import type { AgentPresence } from '../agent-types.js';

type PresenceEvent = Extract<BusEvent, { type: 'presence' | 'presence_query' | 'agent_status' }>;

/** Statuses remembered (agents with `authenticateAgent` are not listed anywhere): the least recently set go first. */
const MAX_STATUSES = 10_000;
/**
 * Who is available (SPEC §11 "Presence"), across every instance of an engine:
 * an agent is available while a stream of theirs is open on some instance and
 * their status is `online`. Each instance counts its own streams and tells the
 * others through the engine's bus (`presence` events, again every `intervalMs`,
 * valid three intervals: an instance that died stops counting once its last
 * word lapses). Statuses travel as `agent_status` events and are remembered by
 * every instance, so a stream that reconnects elsewhere keeps `away`.
 *
 * `changed` hears the available ids whenever they change; the visitor side is
 * told only whether the list is empty.
 */
export class PresenceTracker implements AgentPresence {
  private readonly streams = new Map<string, number>();
  private readonly statuses = new Map<string, AgentStatus>();
  private readonly remote = new Map<string, { agents: string[]; until: number }>();
  private available: string[] = [];
  private closed = false;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly instance: string,
    /** Says `event` to every instance; an answer of `false` means it did not go out (the bus is down). */
    private readonly publish: (event: PresenceEvent) => unknown,
    private readonly intervalMs: number,
    private readonly changed: (available: readonly string[]) => void,
  ) {
    this.timer = setInterval(() => this.tick(), intervalMs);
    (this.timer as { unref?: () => void }).unref?.();
    // Ask the other instances at once; `subscribed()` asks again once the bus subscription is live
    // (a Redis SUBSCRIBE takes a round trip: answers to the first question may come before it).
    this.publish({ type: 'presence_query', instance });
  }

  /**
   * The bus subscription is live: what the others answer now reaches this instance, so ask them.
   * The question goes out on another connection than the subscription, which may come up later
   * (a new instance opens both at once): until it goes out, ask again, 50 ms doubling to ~3 s;
   * after that the others' own announcements, every interval, tell this instance.
   */
  async subscribed(): Promise<void> {
    for (let wait = 50; !this.closed; wait *= 2) {
      if ((await this.publish({ type: 'presence_query', instance: this.instance })) !== false || wait > 2_000) return;
      await new Promise<void>((resolve) => (setTimeout(resolve, wait) as { unref?: () => void }).unref?.());
    }
  }

  /** The ids available now, sorted. */
  get availableAgents(): readonly string[] {
    return this.available;
  }

  statusOf(agentId: string): AgentStatus {
    return this.statuses.get(agentId) ?? 'online';
  }

  /** An agent stream opened here; returns its closing. */
  connect(agentId: string): () => void {
    this.streams.set(agentId, (this.streams.get(agentId) ?? 0) + 1);
    this.recount(true);
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      const left = (this.streams.get(agentId) ?? 1) - 1;
      if (left > 0) this.streams.set(agentId, left);
      else this.streams.delete(agentId);
      this.recount(true);
    };
  }

  /** Tells every instance (this one through the bus too). */
  setStatus(agentId: string, status: AgentStatus): void {
    this.remember(agentId, status);
    this.recount(true);
    this.publish({ type: 'agent_status', agentId, status });
  }

  /** An event from the bus; the others are not presence's. */
  handle(event: BusEvent): void {
    switch (event.type) {
      case 'presence':
        if (event.instance === this.instance) return;
        this.remote.set(event.instance, { agents: event.agents.slice(0, 10_000), until: Date.now() + event.ttlMs });
        this.recount(false);
        break;
      case 'presence_query':
        if (event.instance !== this.instance) this.announce();
        break;
      case 'agent_status':
        this.remember(event.agentId, event.status);
        this.recount(this.streams.has(event.agentId));
        break;
      case 'resync':
        // Announcements may have been lost while the bus was down: say ours, ask for theirs.
        this.announce();
        this.publish({ type: 'presence_query', instance: this.instance });
        break;
      default:
        break;
    }
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.streams.clear();
    this.announce();
  }

  private tick(): void {
    this.announce();
    this.recount(false);
  }

  private remember(agentId: string, status: AgentStatus): void {
    this.statuses.delete(agentId);
    this.statuses.set(agentId, status);
    for (const id of this.statuses.keys()) {
      if (this.statuses.size <= MAX_STATUSES) break;
      this.statuses.delete(id);
    }
  }

  private localAgents(): string[] {
    return [...this.streams.keys()].filter((id) => this.statusOf(id) === 'online');
  }

  private announce(): void {
    this.publish({ type: 'presence', instance: this.instance, agents: this.localAgents(), ttlMs: 3 * this.intervalMs });
  }

  /** Recomputes the available ids; `local` says ours changed, so the other instances hear of it. */
  private recount(local: boolean): void {
    const now = Date.now();
    const ids = new Set(this.localAgents());
    for (const [instance, entry] of this.remote) {
      if (entry.until <= now) this.remote.delete(instance);
      else for (const id of entry.agents) ids.add(id); // the announcer counted only its online agents
    }
    if (local) this.announce();
    const available = [...ids].sort();
    if (available.length === this.available.length && available.every((id, i) => id === this.available[i])) return;
    this.available = available;
    this.changed(available);
  }
}
