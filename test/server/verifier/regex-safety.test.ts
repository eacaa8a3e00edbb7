/**
 * SPEC §3: custom field regexes run on values a visitor controls, so they are
 * matched in linear time (RE2 semantics, re2js), and a pattern that needs
 * backtracking is refused at definition with its path. "No configuration an
 * admin can write may let one request stall the process."
 *
 * Issue 9 item 1: `([A-Za-z0-9]+-?)+` with an attacker-chosen extra value of
 * about 30 characters blocked the event loop for seconds (the time doubles
 * with every character; 1024 are allowed).
 * Tokens are signed by test/helpers/sign.ts (node:crypto by hand, no jose).
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { IdentityError, type VerifiedIdentity } from '../../../src/identity/index.js';
import { createVerifier, defineCommunity, type CustomFieldConfig } from '../../../src/server/verifier/index.js';
import { HS_KEY, signHS256 } from '../../helpers/sign.js';
import { NOW, payload, useVerifierTestHooks, verifierFor } from './fixtures.js';

useVerifierTestHooks();

const ATTACK = '([A-Za-z0-9]+-?)+';

/** Unauthenticated, as in the attack: 'reject' mode needs no key, and the extra value goes to the custom field. */
function unsignedVerifier(regex: string) {
  const community = defineCommunity({
    signedIdentities: 'reject',
    customFields: [{ name: 'crm_id', regex }],
    extraValueMapping: [{ key: 'crm', field: { custom: 'crm_id' } }],
  });
  return createVerifier(community, { now: () => NOW * 1000 });
}

/** A pattern's source without its character classes and lookaround openers, where `?`, `*` and `+` are no quantifiers. */
const quantifiers = (source: string): boolean => /[*+?{]/.test(source.replace(/\[(?:\\.|[^\]\\])*\]/g, '').replace(/\(\?<?[=!:]/g, '('));

/**
 * Runs `run` with JavaScript's own matcher (a backtracking one) forbidden on the visitor's `value`
 * for any pattern with a quantifier: such a native RegExp throws at its first match, before it
 * could backtrack (the plain-text scans, single character classes, still run). Every native match
 * goes through RegExp.prototype.exec once it is replaced (test, match, replace, split and search
 * alike), so what is left matching the value is RE2 (re2js), linear in its length by construction.
 * No clock: the old matcher needed ~10 s for 30 characters; this fails at once.
 */
async function withoutBacktracking<T>(value: string, run: () => Promise<T>): Promise<T> {
  const original = RegExp.prototype.exec;
  const exec = vi.spyOn(RegExp.prototype, 'exec').mockImplementation(function (this: RegExp, input: string) {
    if (String(input).includes(value) && quantifiers(this.source)) throw new Error(`a native RegExp (/${this.source}/) matched a visitor's value`);
    return original.call(this, input);
  });
  try {
    return await run();
  } finally {
    exec.mockRestore();
  }
}

function refusal(customFields: CustomFieldConfig[]): IdentityError {
  try {
    defineCommunity({ signedIdentities: 'reject', customFields });
  } catch (error) {
    expect(error).toBeInstanceOf(IdentityError);
    return error as IdentityError;
  }
  throw new Error('defineCommunity accepted the configuration');
}

/**
 * Verifies adversarial values of every length from 8 to 64 characters, then 128, 256, 512 and 1024, each matched
 * with no backtracking matcher (see withoutBacktracking), and checks what each kept.
 */
async function expectLinearAtEveryLength(regex: string, valueOfLength: (length: number) => string): Promise<VerifiedIdentity[]> {
  const verifier = unsignedVerifier(regex);
  const lengths = [...Array.from({ length: 57 }, (_, i) => i + 8), 128, 256, 512, 1024];
  const results: VerifiedIdentity[] = [];
  for (const length of lengths) {
    const value = valueOfLength(length);
    expect(value).toHaveLength(length);
    const result = await withoutBacktracking(value, () => verifier.verify({ identity: { uuid: 'u-1', extra_values: { crm: value } } }));
    expect(result.extraValues.crm).toBe(value);
    results.push(result);
  }
  return results;
}

const repeated = (unit: string, length: number, end = ''): string => unit.repeat(length).slice(0, length - end.length) + end;

describe('a custom regex cannot stall verification (issue 9)', () => {
  it.each([
    ['a…a!', (n: number) => repeated('a', n, '!')],
    ['a-a-…!!', (n: number) => repeated('a-', n, '!!')],
    ['A1A1…-_', (n: number) => repeated('A1', n, '-_')],
  ])(`${ATTACK} refuses adversarial values (%s) with no backtracking matcher at every length up to 1024 characters`, async (_, valueOfLength) => {
    for (const result of await expectLinearAtEveryLength(ATTACK, valueOfLength)) {
      expect(result.customFields).toEqual({});
      expect(result.warnings).toContainEqual(expect.objectContaining({ code: 'W_CUSTOM_FIELD_REGEX', path: 'identity.extra_values.crm' }));
    }
  });

  it('a matching 1024-character value is stored, from a signed token too, with no backtracking matcher', async () => {
    const verifier = verifierFor({ customFields: [{ name: 'crm_id', regex: ATTACK }], extraValueMapping: [{ key: 'crm', field: { custom: 'crm_id' } }] });
    const value = `${'Ab1-'.repeat(255)}xyz9`;
    expect(value).toHaveLength(1024);
    const result = await withoutBacktracking(value, () => verifier.verify({ jwt: signHS256(payload({ extra_values: { crm: value } }), HS_KEY) }));
    expect(result.customFields).toEqual({ crm_id: value });
  });

  it.each([
    ['(a|aa)+', (n: number) => repeated('a', n, '!')],
    ['(\\w+\\s?)*', (n: number) => repeated('word ', n, '!')],
    ['(.*a){12}', (n: number) => repeated('a', n, '!')],
    ['(x+x+)+y', (n: number) => repeated('x', n)],
    ['^(([a-z])+.)+[A-Z]([a-z])+$', (n: number) => repeated('a', n)],
  ])('the classic ReDoS shape %s answers values up to 1024 characters with no backtracking matcher', async (regex, valueOfLength) => {
    await expectLinearAtEveryLength(regex, valueOfLength);
  });
});

describe('patterns that need backtracking are refused at definition, with their path', () => {
  it.each([
    ['(a)\\1', 'backreference'],
    ['(?<x>a)-\\k<x>', 'backreference'],
    ['(?=CRM)\\w+', 'lookahead'],
    ['(?!uuid-)\\w+', 'lookahead'],
    ['(?<=CRM-)\\d+', 'lookbehind'],
    ['\\w+(?<!-)', 'lookbehind'],
  ])('%s (%s)', (regex, what) => {
    const error = refusal([{ name: 'plan' }, { name: 'crm_id', regex }]);
    expect(error.code).toBe('ERR_COMMUNITY_INVALID');
    expect(error.problems).toEqual([{ code: 'ERR_COMMUNITY_INVALID', path: 'customFields[1].regex', message: expect.stringContaining(what) }]);
    expect(error.message).toContain('customFields[1].regex: ');
    expect(error.message).toContain('need backtracking, which could let one request stall the server; rewrite without them');
  });

  it('every refused pattern is listed at once, beside the other problems', () => {
    const error = refusal([{ name: 'a', regex: '(x)\\1' }, { name: 'b', regex: '(' }, { name: 'c', regex: '(?=y)y' }, { name: 'd', regex: 'ok' }]);
    expect(error.problems?.map((problem) => problem.path)).toEqual(['customFields[0].regex', 'customFields[1].regex', 'customFields[2].regex']);
    expect(error.problems?.[1]?.message).toMatch(/^is not a valid regular expression/);
  });

  it('legacy octal escapes are refused with what to write instead', () => {
    expect(refusal([{ name: 'a', regex: '[\\1]' }]).problems?.[0]?.message).toContain('\\xHH');
    expect(refusal([{ name: 'a', regex: '\\01' }]).problems?.[0]?.message).toContain('\\xHH');
  });
});

describe('the size of a compiled pattern is bounded at definition', () => {
  it.each([
    ['(a{1,100}){1,100}', 'nested counts multiply'],
    ['a{1001}', 'a count is at most 1000'],
    ['[a-z]{1,600}', 'compiles to 1201 instructions, more than 1000'],
    ['.{1,1000}', 'more than 1000'],
  ])('%s is refused: %s', (regex, message) => {
    const error = refusal([{ name: 'crm_id', regex }]);
    expect(error.problems).toEqual([{ code: 'ERR_COMMUNITY_INVALID', path: 'customFields[0].regex', message: expect.stringContaining(message) }]);
    expect(error.problems?.[0]?.message).toContain('prefer + or * to large counts');
  });

  it('the regexes of all custom fields together are bounded, since one request may match them all', () => {
    const customFields = Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, regex: '[a-z]{1,450}' }));
    expect(refusal(customFields).problems).toEqual([{ code: 'ERR_COMMUNITY_INVALID', path: 'customFields', message: expect.stringContaining('more than 4000') }]);
    expect(() => defineCommunity({ signedIdentities: 'reject', customFields: customFields.slice(1) })).not.toThrow();
  });

  it.each([
    ['.*a.{990}', 'ab'],
    ['(?:a|ab|b)*[ab]{0,450}c', 'ab'],
    ['((a{1,7}){1,7}){1,7}', 'a'],
  ])('the worst accepted shape, %s, still answers adversarial values up to 1024 characters with no backtracking matcher', async (regex, alphabet) => {
    await expectLinearAtEveryLength(regex, (n) => repeated('a', n, '!'));
    await expectLinearAtEveryLength(regex, (n) => Array.from({ length: n }, (_, i) => alphabet[(i * 7 + (i >> 3)) % alphabet.length]).join(''));
  });
});

function isValidRegExp(regex: string): boolean {
  try {
    return new RegExp(regex) instanceof RegExp;
  } catch {
    return false;
  }
}

/** What the old matcher (a native RegExp, anchored) said; safe here, on short and tame values only. */
const before = (regex: string, value: string): boolean => new RegExp(`^(?:${regex})$`).test(value);

async function stored(regex: string, values: readonly string[]): Promise<boolean[]> {
  const verifier = unsignedVerifier(regex);
  const results: boolean[] = [];
  for (const value of values) {
    const result = await verifier.verify({ identity: { uuid: 'u-1', extra_values: { crm: value } } });
    expect(result.extraValues.crm).toBe(value); // plain text, so only the regex decides
    results.push(result.customFields.crm_id === value);
  }
  return results;
}

// U+2028/U+2029 are no longer among the values: identity strings refuse them before any pattern runs (issue 16 LOW 4).
describe('JavaScript-style patterns accept and refuse exactly what they did before', () => {
  it.each([
    ['^CRM-[0-9]+$', ['CRM-1', 'CRM-0042'], ['CRM-', 'xCRM-1', 'CRM-1x', 'crm-1']],
    ['CRM-[0-9]+', ['CRM-7'], ['user-42', 'CRM-7 ']],
    ['\\d{3}-\\d{4}', ['555-0100'], ['55-0100', '555-01000', '５５５-0100']],
    ['[A-Z]{2}\\w+', ['FR_123', 'ABc'], ['A', 'ab12', 'FR-1', 'FRé']],
    ['(?:ab|cd)+-\\d', ['ab-1', 'abcdab-9'], ['ac-1', '-1', 'ab-']],
    ['(?<prefix>[A-Z]{3})-(\\d+)', ['ABC-12'], ['AB-12', 'ABC-']],
    ['a\\sb', ['a b', 'a\u00a0b', 'a\u3000b', 'a\ufeffb'], ['ab', 'a_b', 'a\u200bb']],
    ['a\\Sb|[\\S]', ['axb', 'x', '\u200b'], ['a b', 'a\u00a0b', ' ']],
    ['a.b', ['axb', 'a b', 'a\u00a0b'], ['ab']],
    ['[\\d-z]+', ['1-z', '-'], ['y', 'a']],
    ['[\\w.+-]+@[\\w-]+\\.[a-z]{2,}', ['jo.e+x@acme-co.fr'], ['jo@acme', 'jo@@acme.fr']],
    ['\\u0041\\x42[\\u0043-\\u0045]', ['ABD'], ['ABF', 'u0041x42C']],
    ['a{,2}', ['a{,2}'], ['aa', 'a']],
    ['x{2}|y{1,}|z{0,1}', ['xx', 'yyy', 'z', ''], ['x', 'zz']],
    ['\\/path\\.json', ['/path.json'], ['/pathxjson']],
    ['a\\0?b|\\cJ?\\x4|[\\b]?\\q', ['ab', 'x4', 'q'], ['a0b', 'cJx4', '\\q']],
    ['[^]|[]', ['x', ' '], ['', 'xy']],
    ['\\p{L}', ['p{L}'], ['é', 'p']],
    ['[é]+ü?', ['éé', 'éü'], ['e', 'ü']],
  ])('%s', async (regex, accepted, refused) => {
    const values = [...accepted, ...refused];
    expect(values.map((value) => before(regex, value))).toEqual(values.map((_, i) => i < accepted.length));
    expect(await stored(regex, values)).toEqual(values.map((_, i) => i < accepted.length));
  });

  it('random patterns built from the common syntax agree with the native RegExp on random values', async () => {
    const atom = fc.constantFrom('a', 'b', 'A', '1', '-', ' ', '.', '\\d', '\\D', '\\w', '\\W', '\\s', '\\S', '\\b', '\\B', '\\.', '\\-', '[ab]', '[^a]', '[a-c]',
      '[\\d-]', '[\\s\\S]', '[^\\s]', '[\\w.]', '[\\S\\d]', '[^\\S ]', '\\u00e9', '\\u3000', '\\x41', '^', '$', '[-a]', '[a-]', '[--/]', '[.-b]', '[\\b]',
      '{', '}', ']', '{,2}', '\\{', '[]', '[^]', '\\p', '\\k', '\\/', '\\cJ', '\\c', '[\\c_]', '\\q', '\\u{2}', '\\x4');
    const quantifier = fc.constantFrom('', '', '*', '+', '?', '{2}', '{1,3}', '{0,}', '*?', '+?');
    const { pattern } = fc.letrec<{ pattern: string; term: string }>((tie) => ({
      term: fc.oneof(
        { maxDepth: 2, withCrossShrink: true },
        fc.tuple(atom, quantifier).map(([a, q]) => (/^[\^$]|^\\b$/.test(a) ? a : a + q)),
        fc.tuple(fc.constantFrom('(', '(?:'), tie('pattern'), quantifier).map(([open, inner, q]) => `${open}${inner})${q}`),
      ),
      pattern: fc.array(fc.array(tie('term'), { maxLength: 3 }).map((terms) => terms.join('')), { minLength: 1, maxLength: 3 }).map((alts) => alts.join('|')),
    }));
    const regexes = pattern.filter((regex) => regex.length > 0 && regex.length <= 40 && isValidRegExp(regex));
    const value = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', '1', '-', '.', ' ', '\u00a0', '\u3000', 'é', '_', '{', '}', ']', ',', '2', 'p', 'k', '/', '\\', 'c', 'u', 'x', '4'), maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(regexes, fc.array(value, { minLength: 1, maxLength: 6 }), async (regex, values) => {
        expect(await stored(regex, values)).toEqual(values.map((v) => before(regex, v)));
      }),
      { numRuns: 300 },
    );
  });

  it('the one intended difference: a character outside the BMP counts as one character, as with the u flag', async () => {
    // Without the u flag, the old `😀+` repeated only the emoji's second UTF-16 unit.
    expect(before('😀+', '😀😀')).toBe(false);
    expect(await stored('😀+', ['😀😀', '😀', 'x'])).toEqual([true, true, false]);
    expect(await stored('^.{2}$', ['😀😀', '😀'])).toEqual([true, false]);
  });
});
