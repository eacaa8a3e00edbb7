/**
 * The names createMessagingHandler knows, top level and nested: the one
 * place a new option is added. A name it does not know is refused at
 * start-up, naming the closest known one, instead of doing nothing (issue 16
 * low 6: a misspelt option was silently ignored).
 */
import { ConfigProblems } from '../errors.js';
import { isPlainObject, unknownOptionMessage } from '../verifier/problems.js';
import { DEFAULT_LIMITS, type MessagingHandlerOptions } from './options.js';

/**
 * Every option of createMessagingHandler. The compiler refuses a
 * MessagingHandlerOptions member missing here, and a name here that is none.
 */
const HANDLER_OPTIONS: Record<keyof MessagingHandlerOptions, true> = {
  verifier: true,
  allowedOrigins: true,
  basePath: true,
  publicOrigin: true,
  engine: true,
  store: true,
  communityId: true,
  community: true,
  agentToken: true,
  agents: true,
  authenticateAgent: true,
  replyTime: true,
  loaderScript: true,
  panelScript: true,
  limits: true,
  clientAddress: true,
  now: true,
  logger: true,
  webhooks: true,
  unansweredAfter: true,
};

/**
 * The options that are objects of options themselves, with their names (a
 * new one is added here; `limits` takes its names from DEFAULT_LIMITS, which
 * the compiler keeps complete). The integrator's own objects (verifier,
 * engine, store, logger) are not options and are not looked into.
 */
const NESTED_OPTIONS: { readonly [K in keyof MessagingHandlerOptions]?: readonly string[] } = {
  limits: Object.keys(DEFAULT_LIMITS),
};

/** Throws one MessagingConfigError (ERR_HANDLER_CONFIG) listing every option name nobody reads, e.g. `limits.maxBodybytes`. */
export function refuseUnknownOptions(options: unknown): void {
  if (!isPlainObject(options)) return;
  const problems = new ConfigProblems('createMessagingHandler');
  refuseUnknown(options, Object.keys(HANDLER_OPTIONS), '', problems);
  for (const [name, known] of Object.entries(NESTED_OPTIONS)) {
    const value = options[name];
    if (isPlainObject(value)) refuseUnknown(value, known, name, problems);
  }
  problems.throwIfAny();
}

function refuseUnknown(value: Record<string, unknown>, known: readonly string[], parent: string, problems: ConfigProblems): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const path = parent === '' ? key.slice(0, 40) : `${parent}.${key.slice(0, 40)}`;
    problems.add(path, `createMessagingHandler: ${parent === '' ? '' : `${parent}: `}${unknownOptionMessage(key, known)}`);
  }
}
