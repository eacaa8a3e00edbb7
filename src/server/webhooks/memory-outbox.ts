import type { DeliveryState, Outbox, OutboxEntry } from './types.js';

/** Entries kept per community; past it the oldest go (a receiver down that long has lost them to the 24 h rule anyway). */
const MAX_ENTRIES = 100_000;

interface CommunityOutbox {
  entries: OutboxEntry[];
  next: number;
  states: Map<string, string>;
  lease?: { holder: string; until: number };
}

/**
 * The memory engine's outbox: in this process only, so a restart loses the
 * events not yet delivered (the handler says so when webhooks are set on the
 * memory engine). `record` is called by the memory store right after its
 * change, in the same synchronous step.
 */
export class MemoryOutbox implements Outbox {
  readonly durable = false;
  private readonly communities = new Map<string, CommunityOutbox>();

  constructor(private readonly now: () => number = Date.now) {}

  enable(community: string): void {
    if (!this.communities.has(community)) this.communities.set(community, { entries: [], next: 1, states: new Map() });
  }

  /** Writes an entry when the community has webhooks; a no-op otherwise. */
  record(community: string, entry: Omit<OutboxEntry, 'id'>): void {
    const outbox = this.communities.get(community);
    if (!outbox) return;
    outbox.entries.push({ ...entry, id: String(outbox.next++) });
    if (outbox.entries.length > MAX_ENTRIES) outbox.entries.splice(0, outbox.entries.length - MAX_ENTRIES);
  }

  async readAfter(community: string, cursor: string | undefined, limit: number): Promise<OutboxEntry[]> {
    const entries = this.communities.get(community)?.entries ?? [];
    const after = cursor === undefined ? 0 : Number(cursor);
    const start = entries.findIndex((entry) => Number(entry.id) > after);
    return start < 0 ? [] : entries.slice(start, start + limit).map((entry) => ({ ...entry }));
  }

  async loadState(community: string, endpoint: string): Promise<DeliveryState | undefined> {
    const saved = this.communities.get(community)?.states.get(endpoint);
    return saved === undefined ? undefined : (JSON.parse(saved) as DeliveryState);
  }

  async saveState(community: string, endpoint: string, state: DeliveryState): Promise<void> {
    this.communities.get(community)?.states.set(endpoint, JSON.stringify(state));
  }

  async lease(community: string, holder: string, ttlMs: number): Promise<boolean> {
    const outbox = this.communities.get(community);
    if (!outbox) return false;
    const now = this.now();
    if (outbox.lease && outbox.lease.holder !== holder && outbox.lease.until > now) return false;
    outbox.lease = { holder, until: now + ttlMs };
    return true;
  }

  async trim(community: string, cursor: string): Promise<void> {
    const outbox = this.communities.get(community);
    if (!outbox) return;
    const upTo = Number(cursor);
    const keep = outbox.entries.findIndex((entry) => Number(entry.id) > upTo);
    outbox.entries.splice(0, keep < 0 ? outbox.entries.length : keep);
  }
}
