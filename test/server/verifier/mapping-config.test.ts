/** src/server/verifier/mapping-config.ts: customFields and extraValueMapping checked and compiled at definition (SPEC §3). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepareMapping } from '../../../src/server/verifier/mapping-config.js';
import { Problems } from '../../../src/server/verifier/problems.js';

function prepared(customFields: unknown, mapping: unknown) {
  const problems = new Problems();
  const plan = prepareMapping(customFields, mapping, problems);
  return { plan, problems: problems.list };
}

/** The compiled rule of a single custom field `f` with `regex`, mapped from key `k`. */
function ruleFor(regex: string) {
  const { plan, problems } = prepared([{ name: 'f', regex }], [{ key: 'k', field: { custom: 'f' } }]);
  expect(problems).toEqual([]);
  return plan.rules[0]!;
}

describe('prepareMapping: the plan', () => {
  it('compiles predefined and custom mappings into frozen rules, in order', () => {
    const { plan, problems } = prepared(
      [{ name: 'crm_id', regex: 'CRM-[0-9]+' }, { name: 'plan' }],
      [
        { key: 'uuid', field: 'email' },
        { key: 'crm', field: { custom: 'crm_id' } },
        { key: 'tier', field: { custom: 'plan' } },
      ],
    );
    expect(problems).toEqual([]);
    expect(plan.rules.map(({ key, fromUuid, predefined, custom, regexSource }) => ({ key, fromUuid, predefined, custom, regexSource }))).toEqual([
      { key: 'uuid', fromUuid: true, predefined: 'email', custom: undefined, regexSource: undefined },
      { key: 'crm', fromUuid: false, predefined: undefined, custom: 'crm_id', regexSource: 'CRM-[0-9]+' },
      { key: 'tier', fromUuid: false, predefined: undefined, custom: 'plan', regexSource: undefined },
    ]);
    expect(plan.customFields).toEqual([{ name: 'crm_id', regex: 'CRM-[0-9]+' }, { name: 'plan' }]);
    expect(plan.mappings).toEqual([{ key: 'uuid', field: 'email' }, { key: 'crm', field: { custom: 'crm_id' } }, { key: 'tier', field: { custom: 'plan' } }]);
    expect(Object.isFrozen(plan.rules) && Object.isFrozen(plan.rules[0]) && Object.isFrozen(plan.mappings[1])).toBe(true);
  });

  it('matches a custom regex against the whole value, like HTML pattern', () => {
    const rule = ruleFor('CRM-[0-9]+');
    expect(rule.regex!.matches('CRM-42')).toBe(true);
    expect(rule.regex!.matches('xCRM-42')).toBe(false);
    expect(rule.regex!.matches('CRM-42x')).toBe(false);
  });

  it('gives an empty plan for nothing configured', () => {
    expect(prepared(undefined, undefined)).toEqual({ plan: { rules: [], customFields: [], mappings: [] }, problems: [] });
  });
});

describe('prepareMapping: every problem, with its path', () => {
  it('lists problems of both lists together rather than stopping at the first', () => {
    const { problems } = prepared(
      [{ name: 'ok' }, { name: 'ok' }, { name: '__proto__' }, { name: 'x', regex: '' }, 'field', { name: 'y', colour: 1 }],
      [{ key: 'a', field: 'nickname' }, { key: 'b', field: { custom: 'missing' } }, { key: 'c', field: 3 }, { key: 'bad key!', field: 'email' }, { key: 'd', field: 'email' }, { key: 'e', field: 'email' }],
    );
    expect(problems.map((p) => p.path)).toEqual([
      'customFields[1].name',
      'customFields[2].name',
      'customFields[3].regex',
      'customFields[4]',
      'customFields[5].colour',
      'extraValueMapping[0].field',
      'extraValueMapping[1].field.custom',
      'extraValueMapping[2].field',
      'extraValueMapping[3].key',
      'extraValueMapping[5].field',
    ]);
    expect(problems[0]!.message).toBe('"ok" is declared twice; custom field names must be unique.');
    expect(problems[5]!.message).toContain('"nickname" is not a predefined field; use one of firstname, lastname');
    expect(problems[6]!.message).toBe('"missing" is not a declared custom field; declare it in customFields first.');
    expect(problems[9]!.message).toBe('extraValueMapping[4] already fills this field; one mapping per field, so the agent sees one unambiguous value.');
  });

  it('refuses lists that are not arrays', () => {
    expect(prepared({}, 'x').problems).toEqual([
      { path: 'customFields', message: 'must be an array of { name, regex? }, got an object.' },
      { path: 'extraValueMapping', message: 'must be an array of { key, field }, got a string of 1 characters.' },
    ]);
  });

  it('refuses what needs backtracking, naming it', () => {
    const messages = (regex: string) => prepared([{ name: 'f', regex }], undefined).problems.map((p) => p.message);
    expect(messages('(a)\\1')[0]).toMatch(/^\\1 is a backreference: backreferences and lookaround need backtracking/);
    expect(messages('(?<n>a)\\k<n>')[0]).toMatch(/^\\k<…> is a backreference/);
    expect(messages('a(?=b)')[0]).toMatch(/^\(\?=…\) is a lookahead/);
    expect(messages('(?<!a)b')[0]).toMatch(/^\(\?<!…\) is a lookbehind/);
    expect(messages('[\\1]')[0]).toMatch(/is a legacy octal escape/);
    expect(messages('(')[0]).toMatch(/^is not a valid regular expression \(/);
  });

  it('caps a pattern by its length, its program and all programs together', () => {
    expect(prepared([{ name: 'f', regex: 'a'.repeat(1025) }], undefined).problems[0]!.message).toMatch(/^must be a non-empty string of at most 1024 characters/);
    expect(prepared([{ name: 'f', regex: '[a-z]{1,600}' }], undefined).problems[0]!.message).toMatch(/^compiles to \d+ instructions, more than 1000/);
    expect(prepared([{ name: 'f', regex: '(a{1,100}){1,100}' }], undefined).problems[0]!.message).toMatch(/^is too large for the linear-time matcher/);
    const five = Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, regex: '[a-z]{1,400}' }));
    const { problems } = prepared(five, undefined);
    expect(problems).toEqual([{ path: 'customFields', message: expect.stringMatching(/^the regexes compile to \d+ instructions together, more than 4000/) }]);
  });
});

describe('prepareMapping: JavaScript meaning, linear-time matching', () => {
  it('keeps the JavaScript meaning where RE2 differs: \\s, ., \\uHHHH, [] and [^], a literal {, - beside \\d', () => {
    const agree: Array<[string, string[]]> = [
      ['a\\sb', ['a b', 'a\u00a0b', 'a\u2028b', 'a\tb', 'axb']],
      ['a.b', ['axb', 'a\nb', 'a\u2028b']],
      ['\\u00e9+', ['é', 'éé', 'e']],
      ['a[]', ['a', 'a]']],
      ['a[^]', ['ab', 'a\n', 'a']],
      ['x{', ['x{', 'x']],
      ['[\\d-z]+', ['1-z', 'y', '-']],
      ['[\\S]+', ['ab', 'a b', '\u3000']],
      ['\\cJ', ['\n', 'cJ']],
    ];
    for (const [pattern, values] of agree) {
      const rule = ruleFor(pattern);
      const js = new RegExp(`^(?:${pattern})$`);
      for (const value of values) expect([pattern, value, rule.regex!.matches(value)]).toEqual([pattern, value, js.test(value)]);
    }
  });

  it('counts an astral character as one character (a value is text, not UTF-16 units)', () => {
    expect(ruleFor('a.b').regex!.matches('a\u{1F600}b')).toBe(true);
    expect(ruleFor('\\ud83d\\ude00').regex!.matches('\u{1F600}')).toBe(true);
  });

  it('agrees with JavaScript on random values for patterns admins write', () => {
    const patterns = ['[A-Z]{2}-[0-9]{3,6}', '(?:gold|silver|bronze)', '[^@\\s]+@[^@\\s]+\\.[a-z]{2,}', '\\w+(?:\\.\\w+)*', '.{0,8}', '[\\s\\S]*x'];
    const alphabet = fc.constantFrom('A', 'Z', 'a', 'x', '0', '9', '-', '.', '@', ' ', '\n', '\u00a0', '\u2028', 'é', '_');
    for (const pattern of patterns) {
      const rule = ruleFor(pattern);
      const js = new RegExp(`^(?:${pattern})$`);
      fc.assert(fc.property(fc.array(alphabet, { maxLength: 14 }).map((chars) => chars.join('')), (value) => rule.regex!.matches(value) === js.test(value)), { numRuns: 300 });
    }
  });
});
