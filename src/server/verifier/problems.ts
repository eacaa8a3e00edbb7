import { IdentityError } from '../../identity/index.js';

export interface Problem {
  path: string;
  message: string;
}

/** Collects every configuration problem so that one error can list them all (SPEC §3). */
export class Problems {
  readonly list: Problem[] = [];

  add(path: string, message: string): void {
    this.list.push({ path, message });
  }

  /** Throws ERR_COMMUNITY_INVALID listing every problem, if there is any. */
  throwIfAny(what = 'community configuration'): void {
    if (this.list.length === 0) return;
    const count = this.list.length === 1 ? 'a problem' : `${this.list.length} problems`;
    const lines = this.list.map((problem) => `  - ${problem.path}: ${problem.message}`);
    throw new IdentityError('ERR_COMMUNITY_INVALID', `The ${what} has ${count}:\n${lines.join('\n')}`, {
      path: this.list[0]!.path,
      problems: this.list.map((problem) => ({ ...problem })),
    });
  }
}

/** A short, safe description of a configuration value's type for messages (never the value itself). */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reports keys of `value` that are not in `known` (typos such as `publickey`). */
export function checkKnownKeys(value: Record<string, unknown>, known: readonly string[], path: string, problems: Problems): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    problems.add(path ? `${path}.${key.slice(0, 40)}` : key.slice(0, 40), unknownOptionMessage(key, known));
  }
}

/**
 * What to say about an option nobody reads, e.g. `unknown option "agentTokn"
 * (did you mean "agentToken"?); known options are …`: the one wording of every
 * options object that refuses unknown names (defineCommunity's, createMessagingHandler's).
 */
export function unknownOptionMessage(key: string, known: readonly string[]): string {
  const meant = closestName(key, known);
  const hint = meant === undefined ? '' : ` (did you mean ${JSON.stringify(meant)}?)`;
  return `unknown option ${JSON.stringify(key.slice(0, 40))}${hint}; known options are ${known.join(', ')}.`;
}

/**
 * The known name a misspelt one most likely meant: the same in another case,
 * one that contains it or that it contains (`origins` → `allowedOrigins`), or
 * the nearest within a third of its letters (typos, swapped letters). None
 * when nothing is that close: a wrong guess misleads more than none.
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const wanted = name.slice(0, 64).toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(wanted.length / 3)) + 1;
  for (const candidate of known) {
    const lower = candidate.toLowerCase();
    const contains = Math.min(wanted.length, lower.length) >= 4 && (lower.includes(wanted) || wanted.includes(lower));
    const distance = lower === wanted ? 0 : contains ? 1 : editDistance(wanted, lower);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance with adjacent swaps counted as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2]! + 1);
      current.push(value);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}
