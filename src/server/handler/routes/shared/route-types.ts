/**
 * What a route is to the router (router.ts): here, beside the routes, so a
 * route that builds its own (panel.ts) does not import the router that imports it.
 */
import type { Call, HandlerContext } from '../../context.js';
import type { Reply } from '../../http/reply.js';

export type RouteFn = (ctx: HandlerContext, call: Call) => Promise<Reply>;

export interface Route {
  /** Method → implementation. */
  methods: Readonly<Record<string, RouteFn>>;
  /** Agent routes exist only when agents are configured (`agents`, `agentToken` or `authenticateAgent`). */
  agent?: boolean;
  /** Public routes answer any Origin (loader.js is loaded by a classic script tag). */
  public?: boolean;
  /**
   * A route that holds no data answers a refused Origin with a refusal that page can read
   * (SPEC §6 "Fitting"): the widget then names the origin and the option in the console,
   * instead of a bare network error.
   */
  explainsRefusal?: boolean;
}
