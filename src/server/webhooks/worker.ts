import type { ConversationStore } from '../store/types.js';
import type { WebhookEndpoint } from './config.js';
import { buildEvent } from './payload.js';
import { deliver, type Outcome } from './send.js';
import type { DeliveryState, EventPointer, Outbox, OutboxEntry, ParkedEvent, UnansweredCheck } from './types.js';

/** The Standard Webhooks schedule after the first failure, cut at 24 h (SPEC §12). */
const BACKOFF_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000];
const GIVE_UP_MS = 24 * 60 * 60 * 1000;
/** Entries read from the outbox per endpoint and tick. */
const BATCH = 200;
/** Conversations delivered to at once per endpoint (each conversation's events go one after another). */
const CONCURRENCY = 8;
/** Bounds on what an endpoint that stays down can make us hold: past them the oldest go, counted in the log. */
const MAX_PARKED = 10_000;
const MAX_CHECKS = 10_000;
const MAX_NOTIFIED = 10_000;
const LEASE_MS = 15_000;
const TICK_MS = 1_000;

interface Logger {
  warn(message: string): void;
}

export interface WebhookWorkerOptions {
  community: string;
  store: ConversationStore;
  outbox: Outbox;
  endpoints: readonly WebhookEndpoint[];
  /** `conversation.unanswered` fires when no agent has replied this long after a visitor's message. */
  unansweredAfterMs: number;
  logger: Logger;
  now: () => number;
  /** Tests shorten these; the defaults are the SPEC's. */
  timeoutMs?: number;
  tickMs?: number;
}


/**
 * Sends a community's outbox to its receivers, in the background: a request
 * only writes its outbox entry (in the store's own step), so a slow or hanging
 * receiver never delays a visitor. One instance at a time holds the lease and
 * sends; the delivery state lives in the engine, so whoever holds the lease
 * next carries on. At least once, in order per conversation and receiver:
 * a failed event parks its conversation's later events behind it.
 */
export class WebhookWorker {
  private readonly holder = crypto.randomUUID();
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(private readonly options: WebhookWorkerOptions) {}

  start(): void {
    this.timer = setInterval(() => this.wake(), this.options.tickMs ?? TICK_MS);
    (this.timer as { unref?: () => void }).unref?.();
    this.wake();
  }

  /** Looks at the outbox now (a change was just written), or as soon as the current pass ends. */
  wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  /** Runs a pass now and waits until no pass is running (tests; a shutdown's last flush). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
    this.wake();
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.running;
  }

  private async pass(): Promise<void> {
    const { outbox, community, endpoints } = this.options;
    try {
      if (!(await outbox.lease(community, this.holder, LEASE_MS))) return;
      let trimTo: string | undefined;
      let first = true;
      for (const endpoint of endpoints) {
        const cursor = await this.runEndpoint(endpoint);
        if (first || cursor === undefined || (trimTo !== undefined && compareIds(cursor, trimTo) < 0)) trimTo = cursor;
        first = false;
      }
      if (trimTo !== undefined) await outbox.trim(community, trimTo);
    } catch (error) {
      // The engine is unreachable: nothing was lost (the outbox and the state are the engine's); the next tick retries.
      this.options.logger.warn(`chatq: webhook delivery paused: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** One receiver's turn: due retries, then new entries, then due unanswered checks. Returns its cursor. */
  private async runEndpoint(endpoint: WebhookEndpoint): Promise<string | undefined> {
    const { outbox, community } = this.options;
    const state = (await outbox.loadState(community, endpoint.key)) ?? { parked: [], unanswered: [], notified: [] };
    const before = JSON.stringify(state);
    const report = new Report(endpoint.label);
    const entries = await outbox.readAfter(community, state.cursor, BATCH);
    if (state.disabledAt === undefined) {
      await this.retryParked(endpoint, state, report);
      const fresh: EventPointer[] = [];
      for (const entry of entries) {
        this.trackUnanswered(state, entry);
        if (endpoint.events.has(entry.type)) fresh.push(entry);
      }
      fresh.push(...(await this.dueUnanswered(state)).filter(() => endpoint.events.has('conversation.unanswered')));
      await this.sendChains(endpoint, state, fresh, report);
    }
    if (entries.length > 0) state.cursor = entries[entries.length - 1]!.id;
    if (entries.length === BATCH) this.again = true;
    this.bound(state, report);
    report.flush(this.options.logger);
    if (JSON.stringify(state) !== before) await outbox.saveState(community, endpoint.key, state);
    return state.cursor;
  }

  /** Retries whose time has come, conversation by conversation, stopping each at its first failure. */
  private async retryParked(endpoint: WebhookEndpoint, state: DeliveryState, report: Report): Promise<void> {
    const now = this.options.now();
    const kept: ParkedEvent[] = [];
    for (const parked of state.parked) {
      if (now - parked.firstTriedAt > GIVE_UP_MS) report.dropped++;
      else kept.push(parked);
    }
    state.parked = kept;
    const chains = groupBy(kept, (parked) => parked.entry.conversationId);
    await eachLimited([...chains.values()], CONCURRENCY, async (chain) => {
      if (chain[0]!.nextAt > now) return;
      for (const parked of chain) {
        const outcome = await this.attempt(endpoint, parked.entry, state);
        if (!outcome.ok) {
          this.failed(parked, outcome, report);
          return;
        }
        state.parked.splice(state.parked.indexOf(parked), 1);
      }
    });
  }

  /** New events: a conversation with parked events queues behind them; the rest go out, each conversation in order. */
  private async sendChains(endpoint: WebhookEndpoint, state: DeliveryState, events: EventPointer[], report: Report): Promise<void> {
    const now = this.options.now();
    const blocked = new Set(state.parked.map((parked) => parked.entry.conversationId));
    const chains = groupBy(events, (event) => event.conversationId);
    await eachLimited([...chains.values()], CONCURRENCY, async (chain) => {
      let index = 0;
      if (!blocked.has(chain[0]!.conversationId)) {
        for (; index < chain.length; index++) {
          const outcome = await this.attempt(endpoint, chain[index]!, state);
          if (outcome.ok) continue;
          const parked: ParkedEvent = { entry: chain[index++]!, attempts: 0, firstTriedAt: now, nextAt: now };
          this.failed(parked, outcome, report);
          state.parked.push(parked);
          break;
        }
      }
      // Within a conversation the pushes keep the outbox's order; that is the only order promised.
      for (; index < chain.length; index++) state.parked.push({ entry: chain[index]!, attempts: 0, firstTriedAt: now, nextAt: 0 });
    });
  }

  private async attempt(endpoint: WebhookEndpoint, pointer: EventPointer, state: DeliveryState): Promise<Outcome> {
    if (state.disabledAt !== undefined) return { ok: false, gone: true, reason: '410 Gone' };
    const event = await buildEvent(this.options.store, this.options.community, pointer);
    // What the event points at is gone (retention): there is nothing left to send.
    if (!event) return { ok: true, status: 0 };
    const outcome = await deliver({
      url: endpoint.url,
      keys: await endpoint.keys,
      id: await webhookId(this.options.community, pointer),
      body: JSON.stringify(event),
      // The receiver checks this against its own clock (a replay window): real time, not the handler's clock.
      timestamp: Math.floor(Date.now() / 1000),
      ...(this.options.timeoutMs === undefined ? {} : { timeoutMs: this.options.timeoutMs }),
    });
    if (!outcome.ok && outcome.gone && state.disabledAt === undefined) {
      state.disabledAt = this.options.now();
      this.options.logger.warn(
        `chatq: webhook ${endpoint.label} answered 410 Gone: it is disabled and gets no more events (remove it from webhooks, or fix the receiver and restart).`,
      );
    }
    return outcome;
  }

  private failed(parked: ParkedEvent, outcome: Outcome, report: Report): void {
    if (outcome.ok || outcome.gone) return;
    const delay = BACKOFF_MS[Math.min(parked.attempts, BACKOFF_MS.length - 1)]!;
    parked.attempts++;
    // ±10 % jitter, so receivers coming back are not hit by every retry at once.
    parked.nextAt = this.options.now() + Math.round(delay * (0.9 + Math.random() * 0.2));
    report.failed(outcome.reason);
  }

  /** A visitor's message starts the clock on a conversation; an agent's reply (or closing it) stops it. */
  private trackUnanswered(state: DeliveryState, entry: OutboxEntry): void {
    const id = entry.conversationId;
    if (entry.type === 'message.created' && entry.author === 'visitor') {
      if (state.notified.includes(id) || state.unanswered.some((check) => check.conversationId === id)) return;
      state.unanswered.push({ conversationId: id, seq: entry.seq, dueAt: entry.at + this.options.unansweredAfterMs });
    } else if ((entry.type === 'message.created' && entry.author === 'agent') || entry.type === 'conversation.closed') {
      state.unanswered = state.unanswered.filter((check) => check.conversationId !== id);
      state.notified = state.notified.filter((conversationId) => conversationId !== id);
    }
  }

  /** Checks whose time has come and whose conversation still has no agent reply after them. */
  private async dueUnanswered(state: DeliveryState): Promise<EventPointer[]> {
    const now = this.options.now();
    const due: UnansweredCheck[] = [];
    state.unanswered = state.unanswered.filter((check) => (check.dueAt <= now ? (due.push(check), false) : true));
    const events: EventPointer[] = [];
    for (const check of due) {
      const later = await this.options.store.listMessages(check.conversationId, { afterSeq: check.seq });
      if (later.some((message) => message.author === 'agent')) continue;
      state.notified.push(check.conversationId);
      const seq = later.length > 0 ? later[later.length - 1]!.seq : check.seq;
      events.push({ id: `u${check.seq}`, type: 'conversation.unanswered', conversationId: check.conversationId, seq, at: check.dueAt });
    }
    return events;
  }

  private bound(state: DeliveryState, report: Report): void {
    if (state.parked.length > MAX_PARKED) report.dropped += state.parked.splice(0, state.parked.length - MAX_PARKED).length;
    if (state.unanswered.length > MAX_CHECKS) state.unanswered.splice(0, state.unanswered.length - MAX_CHECKS);
    if (state.notified.length > MAX_NOTIFIED) state.notified.splice(0, state.notified.length - MAX_NOTIFIED);
  }
}

/** What one endpoint's turn logs: one line for its failures, one for what it dropped. */
class Report {
  dropped = 0;
  private failures = 0;
  private reason = '';
  constructor(private readonly label: string) {}
  failed(reason: string): void {
    this.failures++;
    this.reason = reason;
  }
  flush(logger: Logger): void {
    if (this.failures > 0) logger.warn(`chatq: webhook ${this.label}: ${this.failures} deliveries failed (${this.reason}); retrying with backoff for 24 h.`);
    if (this.dropped > 0) logger.warn(`chatq: webhook ${this.label}: dropped the ${this.dropped} oldest events (undeliverable for 24 h, or past the outbox bound).`);
  }
}

/** The `webhook-id`: stable across retries, distinct across communities sharing a receiver. */
async function webhookId(community: string, pointer: EventPointer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${community}\n${pointer.conversationId}\n${pointer.type}\n${pointer.id}`));
  return `msg_${Array.from(new Uint8Array(digest).subarray(0, 12), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Outbox ids are increasing numbers, or Redis stream ids (`ms-n`): both order by their numeric parts. */
export function compareIds(a: string, b: string): number {
  const [a1 = 0, a2 = 0] = a.split('-').map(Number);
  const [b1 = 0, b2 = 0] = b.split('-').map(Number);
  return a1 - b1 || a2 - b2;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

async function eachLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await run(items[next++]!);
  });
  await Promise.all(lanes);
}
