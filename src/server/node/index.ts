/**
 * `chatq/node`: the Node adapter (SPEC §6), `toNodeListener(handler)`, usable
 * as `http.createServer(toNodeListener(h))` and as Express, Fastify, Koa or
 * NestJS middleware. Its own entry (issue 21 item 6), so that `chatq/server`
 * imports no `node:*` code and a Workers or Deno bundle of it does not carry
 * the adapter. Its wire protocol with the handler (`handler.reply`, Reply,
 * ByteSink, EventStream) is internal.
 */
export { toNodeListener } from '../handler/adapter/node.js';
export type { NodeListener, NodeListenerOptions, NodeServedHandler } from '../handler/adapter/node.js';
