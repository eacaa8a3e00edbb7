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
    const name = JSON.stringify(key.slice(0, 40));
    problems.add(path ? `${path}.${key.slice(0, 40)}` : key.slice(0, 40), `unknown option ${name}; known options are ${known.join(', ')}.`);
  }
}
