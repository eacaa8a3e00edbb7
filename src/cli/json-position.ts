/**
 * Where a JSON text stops being JSON, as a line and a column, and nothing
 * else (issue 16 LOW 2). Node's own SyntaxError quotes the text around the
 * mistake (`Unexpected token 'a', "{"secret": a1b2c3"... is not valid JSON`),
 * and in a community file that text is often a secret; its other messages give
 * a position only for some mistakes. So the CLI never shows the parser's
 * message: this scanner finds the offset of the first mistake by the JSON
 * grammar (RFC 8259) alone, and only runs on text JSON.parse has refused.
 */

/** Thrown at the first offset that cannot continue a JSON text. */
class Stop {
  readonly offset: number;
  constructor(offset: number) {
    this.offset = offset;
  }
}

const STRING_PART = /[^"\\\u0000-\u001F]*/y;

function scanner(text: string) {
  let at = 0;

  function space(): void {
    while (at < text.length && (text[at] === ' ' || text[at] === '\t' || text[at] === '\n' || text[at] === '\r')) at++;
  }

  function digits(): void {
    const start = at;
    while (text[at]! >= '0' && text[at]! <= '9') at++;
    if (at === start) throw new Stop(at);
  }

  /** RFC 8259 §6, stopping where the parser stops: at the character that cannot go on. */
  function number(): void {
    if (text[at] === '-') at++;
    if (text[at] === '0') at++;
    else digits();
    if (text[at] === '.') {
      at++;
      digits();
    }
    if (text[at] === 'e' || text[at] === 'E') {
      at++;
      if (text[at] === '+' || text[at] === '-') at++;
      digits();
    }
  }

  /** true, false or null: stops at the first character that differs. */
  function literal(word: string): void {
    for (const char of word) {
      if (text[at] !== char) throw new Stop(at);
      at++;
    }
  }

  function match(pattern: RegExp): boolean {
    pattern.lastIndex = at;
    const found = pattern.exec(text);
    if (!found || found[0] === '') return false;
    at += found[0].length;
    return true;
  }

  /** After a backslash: one of "\\/bfnrt, or u and four hex digits. */
  function escape(): void {
    at++;
    if (text[at] !== undefined && '"\\/bfnrt'.includes(text[at]!)) return void at++;
    if (text[at] !== 'u') throw new Stop(at);
    at++;
    for (let i = 0; i < 4; i++, at++) if (!/[0-9a-fA-F]/.test(text[at] ?? '')) throw new Stop(at);
  }

  function string(): void {
    at++; // the opening quote
    for (;;) {
      match(STRING_PART);
      if (text[at] === '"') return void at++;
      if (text[at] !== '\\') throw new Stop(at);
      escape();
    }
  }

  function sequence(close: string, item: () => void): void {
    at++; // the opening bracket
    space();
    if (text[at] === close) return void at++;
    for (;;) {
      item();
      space();
      if (text[at] === close) return void at++;
      if (text[at] !== ',') throw new Stop(at);
      at++;
      space();
    }
  }

  function member(): void {
    if (text[at] !== '"') throw new Stop(at);
    string();
    space();
    if (text[at] !== ':') throw new Stop(at);
    at++;
    value();
  }

  function value(): void {
    space();
    const char = text[at];
    if (char === '{') return sequence('}', member);
    if (char === '[') return sequence(']', value);
    if (char === '"') return string();
    if (char === 't') return literal('true');
    if (char === 'f') return literal('false');
    if (char === 'n') return literal('null');
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return number();
    throw new Stop(at);
  }

  return {
    /** The offset of the first mistake, or `undefined` when the text is JSON. */
    firstMistake(): number | undefined {
      try {
        value();
        space();
        if (at < text.length) throw new Stop(at);
        return undefined;
      } catch (error) {
        if (error instanceof Stop) return error.offset;
        // Nesting deeper than the stack: say where the text starts rather than fail.
        return 0;
      }
    },
  };
}

/** 1-based line and column (in UTF-16 units, as editors count) of `offset` in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

/**
 * "at line 3, column 14", or "at the end (line 3, column 1): the text stops
 * too early" for a text JSON.parse refused. Never quotes the text.
 */
export function describeJsonMistake(text: string): string {
  const offset = scanner(text).firstMistake() ?? 0;
  const { line, column } = lineAndColumn(text, offset);
  return offset >= text.length ? `it ends too early (line ${line}, column ${column})` : `at line ${line}, column ${column}`;
}
