export { WEBHOOK_EVENT_TYPES } from './types.js';
export type { DeliveryState, Outbox, OutboxEntry, WebhookEndpointOptions, WebhookEventType } from './types.js';
export type { WebhookEvent, WebhookEventData } from './payload.js';
export { checkWebhooks, type WebhookEndpoint } from './config.js';
export { MemoryOutbox } from './memory-outbox.js';
export { WebhookWorker, type WebhookWorkerOptions } from './worker.js';
export { verifyWebhook, type WebhookVerification } from './verify.js';
