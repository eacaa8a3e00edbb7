import { readFileSync } from 'node:fs';
import { describeJsonMistake } from './json-position.js';
import { UserError } from './usage.js';

/** A file's text, or a UserError that names the file and says what went wrong (never a stack). */
export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : 'it cannot be read';
    throw new UserError(`cannot read the ${what} ${JSON.stringify(path)}: ${reason}.`);
  }
}

/**
 * A JSON file's value, or a UserError with the line and column of the first
 * mistake: never the parser's message, which quotes the file (a secret).
 */
export function readJson(path: string, what: string): unknown {
  const text = readText(path, what);
  try {
    return JSON.parse(text);
  } catch {
    throw new UserError(`the ${what} ${JSON.stringify(path)} is not valid JSON: ${describeJsonMistake(text)}.`);
  }
}
