import { MessagingConfigError } from '../errors.js';
import type { Engine } from '../engine/types.js';
import { checkWebhooks, type WebhookEndpoint } from '../webhooks/config.js';
import { WebhookWorker } from '../webhooks/worker.js';

const UNANSWERED_DEFAULT_MS = 5 * 60 * 1000;
const UNANSWERED_RANGE_MS = { min: 10_000, max: 7 * 24 * 60 * 60 * 1000 } as const;

export interface WebhookOptions {
  webhooks?: unknown;
  unansweredAfter?: unknown;
}

/**
 * Starts sending the community's events to the `webhooks` receivers (SPEC
 * §12), from the engine's outbox; undefined when there are none. Checked at
 * creation: the receivers, `unansweredAfter`, and an engine that keeps an
 * outbox (the memory engine's is in memory, and the log says so).
 */
/** The receivers and `unansweredAfter`, checked (readOptions lists their problems with the others'). */
export interface WebhookSetup {
  readonly endpoints: WebhookEndpoint[];
  readonly unansweredAfterMs: number;
}

export function readWebhookOptions(options: WebhookOptions): WebhookSetup {
  const endpoints = checkWebhooks(options.webhooks);
  return { endpoints, unansweredAfterMs: readUnansweredAfter(options.unansweredAfter) };
}

export function startWebhooks(
  { endpoints, unansweredAfterMs }: WebhookSetup,
  context: { engine: Engine; community: string; logger: { warn(message: string): void }; now: () => number },
): WebhookWorker | undefined {
  if (endpoints.length === 0) return undefined;
  const { outbox } = context.engine;
  if (!outbox) {
    throw new MessagingConfigError(
      'webhooks',
      'webhooks: this engine keeps no outbox, so events could not be sent reliably; use the memory engine, chatq/sqlite or chatq/redis (a custom engine must provide `outbox`).',
    );
  }
  if (!outbox.durable) {
    context.logger.warn(
      'chatq: webhooks on the memory engine keep their outbox in memory: events not yet delivered are lost on a restart. Use chatq/sqlite (one server) or chatq/redis for deliveries that survive one.',
    );
  }
  outbox.enable(context.community);
  const worker = new WebhookWorker({ community: context.community, store: context.engine.store, outbox, endpoints, unansweredAfterMs, logger: context.logger, now: context.now });
  worker.start();
  return worker;
}

function readUnansweredAfter(value: unknown): number {
  if (value === undefined) return UNANSWERED_DEFAULT_MS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < UNANSWERED_RANGE_MS.min || value > UNANSWERED_RANGE_MS.max) {
    throw new MessagingConfigError(
      'unansweredAfter',
      `unansweredAfter: milliseconds from ${UNANSWERED_RANGE_MS.min} (10 s) to ${UNANSWERED_RANGE_MS.max} (7 days) before conversation.unanswered fires; default ${UNANSWERED_DEFAULT_MS} (5 minutes).`,
    );
  }
  return value;
}
