/**
 * The handler folder's entry for its own tests and chatq/node: the public
 * handler (./public.ts), the Node adapter and its Reply protocol (internal to
 * the package: chatq/server exports ./public.ts's names, chatq/node the adapter).
 */
export * from './public.js';
export type { ByteSink, EventStream, Reply, ReplyBody } from './http/reply.js';
export { toNodeListener } from './adapter/node.js';
export type { NodeListener, NodeListenerOptions, NodeServedHandler } from './adapter/node.js';
