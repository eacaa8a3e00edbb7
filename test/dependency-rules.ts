/**
 * The layering of src/, as data, read by test/dependency-graph.test.ts. Paths
 * are relative to src/. An import rule forbids every import from a file that
 * matches `from` (and not `unless`) to a file or bare specifier that matches `to`.
 */

export interface ImportRule {
  readonly rule: string;
  readonly from: RegExp;
  readonly unless?: RegExp;
  readonly to: RegExp;
  /** Single imports the rule lets through, as `from → to`, each with its reason beside it. */
  readonly except?: readonly string[];
}

/** A file that must never reach (through any chain of imports) a file matching `never`. */
export interface ReachRule {
  readonly rule: string;
  readonly start: string;
  readonly never: RegExp;
}

/** Files whose code (comments left out) must never match `never`. */
export interface TextRule {
  readonly rule: string;
  readonly files: RegExp;
  readonly unless?: RegExp;
  readonly never: RegExp;
}

/** One step of the folder graph (see folderStep in test/helpers/import-graph.ts). */
export interface LoopStep {
  readonly folder: string;
  readonly from: string;
  readonly to: string;
  readonly why: string;
}

/**
 * The client's folders, bottom up, and what each may import besides itself,
 * the shared `client/types.ts` and `identity/` (issue 12):
 * support/ (events, ids, storage, timers, tabs, texts), transport/ (the wire),
 * session/ (who the visitor is), conversation/ (the messages, rendered through
 * the `ChatView` interface), ui/ (`<chatq-messenger>`), panel/ (panel.js, SPEC §10).
 * The root files (messenger.ts, the entries index.ts and loader.ts, queue.ts,
 * base.ts) bind them and are free.
 */
const CLIENT_LAYERS: Readonly<Record<string, readonly string[]>> = {
  support: [],
  transport: ['support'],
  session: ['support', 'transport'],
  conversation: ['support', 'transport', 'session'],
  ui: ['support'],
  panel: ['support', 'ui'],
};

/** The one import across the layers: panel.js carries the shown conversation and sending, which only a panel needs (SPEC §10). */
const CLIENT_LAYER_EXCEPTIONS = ['client/panel/entry.ts → client/conversation/shown.ts'];

const clientLayerRules: ImportRule[] = Object.entries(CLIENT_LAYERS).map(([folder, below]) => {
  const others = Object.keys(CLIENT_LAYERS).filter((other) => other !== folder && !below.includes(other));
  return {
    rule: below.length > 0 ? `client/${folder}/ imports only ${below.map((b) => `${b}/`).join(', ')}` : `client/${folder}/ imports no other client folder`,
    from: new RegExp(`^client/${folder}/`),
    to: new RegExp(`^client/(?:${others.join('|')})/`),
    except: CLIENT_LAYER_EXCEPTIONS,
  };
});

export const IMPORT_RULES: readonly ImportRule[] = [
  ...clientLayerRules,
  {
    rule: 'only the messenger (the binding) and the entries import ui/: the conversation renders through an interface',
    from: /^client\//,
    unless: /^client\/(?:ui\/|panel\/|messenger\.ts$|index\.ts$|loader\.ts$)/,
    to: /^client\/ui\//,
  },
  { rule: 'the client imports nothing of src/ but itself and identity/', from: /^client\//, to: /^(?!client\/|identity\/)[^/]+\/.*\.ts$/ },
  { rule: 'identity/ (shared by both sides) imports nothing outside itself: no node:*, no DOM, no crypto', from: /^identity\//, to: /^(?!identity\/)/ },
  { rule: 'the server never imports the client side', from: /^server\//, to: /^(?:client|inbox)\// },
  { rule: 'a route imports no other route (shared steps come from routes/shared/)', from: /^server\/handler\/routes\/[^/]+$/, to: /^server\/handler\/routes\/[^/]+$/ },
  { rule: 'routes/shared/ imports no route', from: /^server\/handler\/routes\/shared\//, to: /^server\/handler\/routes\/[^/]+$/ },
  { rule: 'the handler core imports no node:* module (Node lives in adapter/)', from: /^server\/handler\/(?!adapter\/)/, to: /^node:/ },
  // public.ts: chatq/server's entry without the Node adapter, once chatq/node has its own (issue 21 item 6).
  { rule: 'only the handler entries (index.ts, public.ts) import the adapter', from: /^server\/handler\/(?!adapter\/|index\.ts$|public\.ts$)/, to: /^server\/handler\/adapter\// },
];

export const REACH_RULES: readonly ReachRule[] = [
  { rule: 'loader.js carries no panel: client/loader.ts never reaches client/panel/ (SPEC §10, panel.js comes when needed)', start: 'client/loader.ts', never: /^client\/panel\// },
];

export const TEXT_RULES: readonly TextRule[] = [
  {
    rule: 'session/, conversation/ and transport/ use no DOM global',
    files: /^client\/(?:session|conversation|transport)\//,
    never: /\b(?:document|window|HTMLElement|customElements|location|navigator|localStorage|BroadcastChannel)\b/,
  },
  { rule: 'the handler core names no Node request or response', files: /^server\/handler\//, unless: /^server\/handler\/adapter\//, never: /\b(?:IncomingMessage|ServerResponse|NodeRequest)\b/ },
  { rule: 'the handler core carries no marker for an adapter (no Symbol.for, no incomingKey)', files: /^server\/handler\//, unless: /^server\/handler\/adapter\//, never: /Symbol\.for\(|\bincomingKey\b|\bINCOMING_KEY\b/ },
];

/**
 * Folder loops taken out of the check, one step each, so any that must stay is
 * visible here with its reason. Empty since issue 21 item 8 moved the seven
 * type-only loops' types to where both sides import them: keep it so; when a
 * step is listed, the test "the allowed step … still closes a loop" keeps it honest.
 */
export const ALLOWED_LOOP_STEPS: readonly LoopStep[] = [];
