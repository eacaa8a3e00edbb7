import type { Author } from '../../../identity/index.js';
import type { DeliveryState, Outbox, OutboxEntry } from '../../webhooks/types.js';
import { MessagingConfigError } from '../config-error.js';
import { luaScript, type RedisClient } from './client.js';
import type { Guard } from './faults.js';
import type { Keys } from './keys.js';
import { TAKE_LEASE } from './outbox-scripts.js';

/** Entries kept per community stream (XADD MAXLEN ~): a receiver down that long has lost them to the 24 h rule anyway. */
export const OUTBOX_MAX_ENTRIES = 100_000;

const leaseScript = luaScript(TAKE_LEASE);

/**
 * The Redis engine's outbox (SPEC §12): a stream per community, written by
 * the store's scripts in the same script as the create or the append (so an
 * acknowledged change always has its entry, and a crash loses none), the
 * delivery state of each endpoint in a hash, and the lease (`SET NX PX`) that
 * lets one instance send at a time. All three share the community's hash tag.
 *
 * The communities with webhooks are this instance's (`enable`): its scripts
 * get the stream key as an argument only for them, so a community without
 * receivers writes nothing.
 */
export class RedisOutbox implements Outbox {
  readonly durable = true;
  private readonly enabled = new Set<string>();

  constructor(
    private readonly client: RedisClient,
    private readonly guard: Guard,
    private readonly keys: Keys,
  ) {}

  enable(community: string): void {
    if ('isCluster' in this.client && this.client.isCluster) {
      // A script runs on one slot: a conversation's keys ({id}) and its community's stream cannot share one.
      throw new MessagingConfigError(
        'webhooks',
        'webhooks: the Redis engine on a Cluster cannot write the outbox in the same script as the change (they live on different slots); use a standalone Redis or Sentinel for webhooks.',
      );
    }
    this.enabled.add(community);
  }

  /** The keys and arguments a store script appends for `community`: none without webhooks. */
  tail(community: string): { keys: string[]; args: number[] } {
    return this.enabled.has(community) ? { keys: [this.keys.outbox(community).stream], args: [OUTBOX_MAX_ENTRIES] } : { keys: [], args: [] };
  }

  async readAfter(community: string, cursor: string | undefined, limit: number): Promise<OutboxEntry[]> {
    const stream = this.keys.outbox(community).stream;
    const reply = await this.guard(() => this.client.xrange(stream, cursor === undefined ? '-' : `(${cursor}`, '+', 'COUNT', limit));
    return reply.map(([id, fields]) => readEntry(id, fields));
  }

  async loadState(community: string, endpoint: string): Promise<DeliveryState | undefined> {
    const saved = await this.guard(() => this.client.hget(this.keys.outbox(community).state, endpoint));
    return saved === null ? undefined : (JSON.parse(saved) as DeliveryState);
  }

  async saveState(community: string, endpoint: string, state: DeliveryState): Promise<void> {
    await this.guard(() => this.client.hset(this.keys.outbox(community).state, endpoint, JSON.stringify(state)));
  }

  async lease(community: string, holder: string, ttlMs: number): Promise<boolean> {
    return (await this.guard(() => leaseScript(this.client, [this.keys.outbox(community).lease], [holder, ttlMs]))) === 1;
  }

  async trim(community: string, cursor: string): Promise<void> {
    // XTRIM MINID keeps ids ≥ MINID: the id right after the cursor.
    const [ms, n = '0'] = cursor.split('-');
    await this.guard(() => this.client.xtrim(this.keys.outbox(community).stream, 'MINID', `${ms}-${BigInt(n) + 1n}`));
  }
}

/** A stream entry as the scripts write it: t type, c conversation, s seq, a at, u author. */
function readEntry(id: string, list: string[]): OutboxEntry {
  const fields: Record<string, string> = {};
  for (let i = 0; i < list.length; i += 2) fields[list[i]!] = list[i + 1]!;
  return {
    id,
    type: fields.t as OutboxEntry['type'],
    conversationId: fields.c!,
    seq: Number(fields.s),
    at: Number(fields.a),
    ...(fields.u ? { author: fields.u as Author } : {}),
  };
}
