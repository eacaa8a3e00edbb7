import { decodeJwt, type DecodedJwt, type IdentityError, type IdentityWarning } from '../identity/index.js';
import { createVerifier, type Community } from '../server/index.js';
import type { CommunityFile } from './community-file.js';
import { claimsCauses, fieldCauses, headerCauses, shapeCauses, signatureCauses, type Cause, type ConfiguredKey } from './explain-causes.js';
import { createProbe, outcome, stageOf, type Outcome, type Stage } from './explain-probe.js';

export interface Check {
  step: number;
  name: Stage;
  status: 'passed' | 'failed' | 'skipped';
  /** What passed, or why the check was skipped. */
  summary?: string;
  code?: string;
  path?: string;
  /** The verifier's message: what was wrong and what to change. */
  message?: string;
  causes: Cause[];
}

export interface Report {
  /** `verifies`: exit 0. `refused`: a check failed. `unverified`: no check failed but the signature was not checked. */
  verdict: 'verifies' | 'refused' | 'unverified';
  community: { file: string; id: string } | null;
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
  checks: Check[];
  warnings: IdentityWarning[];
}

const STEPS: readonly Stage[] = ['mode', 'shape', 'header', 'signature', 'claims', 'fields'];
const PASSED: Record<Stage, string> = {
  mode: 'the community takes signed identities',
  shape: 'three canonical base64url parts; header and payload are JSON objects',
  header: 'alg, kid and the other header members are accepted',
  signature: 'the signature verifies',
  claims: 'exp, nbf, iat and uuid are accepted',
  fields: 'every identity field has a valid type',
};

function failed(step: Stage, error: IdentityError, causes: Cause[]): Check {
  return { step: STEPS.indexOf(step) + 1, name: step, status: 'failed', code: error.code, path: error.path, message: error.message, causes };
}

function passed(step: Stage, summary = PASSED[step]): Check {
  return { step: STEPS.indexOf(step) + 1, name: step, status: 'passed', summary, causes: [] };
}

function skipped(step: Stage, summary: string): Check {
  return { step: STEPS.indexOf(step) + 1, name: step, status: 'skipped', summary, causes: [] };
}

function configuredKeys(file: CommunityFile): ConfiguredKey[] {
  const keys = Array.isArray(file.config.jwtKeys) ? (file.config.jwtKeys as { id?: unknown; secret?: unknown }[]) : [];
  return keys.flatMap((key) => (typeof key?.id === 'string' ? [{ id: key.id, secret: typeof key.secret === 'string' ? key.secret : undefined }] : []));
}

/** The outcome's verdict on one step: failed there, or passed it. Undefined when it stopped before. */
function at(step: Stage, result: Outcome): IdentityError | 'passed' | undefined {
  if (result.ok) return 'passed';
  const reached = STEPS.indexOf(stageOf(result.error));
  if (reached === STEPS.indexOf(step)) return result.error;
  return reached > STEPS.indexOf(step) ? 'passed' : undefined;
}

/** The payload with one claim set right, so that the checks after it can run. */
function setRight(payload: Record<string, unknown>, path: string | undefined, exp: number): Record<string, unknown> {
  const fixed = { ...payload };
  if (path === 'payload.exp') fixed.exp = exp;
  else if (path === 'payload.nbf') delete fixed.nbf;
  else if (path === 'payload.iat') delete fixed.iat;
  else fixed.uuid = 'chatq_explain';
  return fixed;
}

/** The configured key whose id differs from the token's kid only in case. */
function caseInsensitiveKid(kid: unknown, keys: readonly ConfiguredKey[]): string | undefined {
  if (typeof kid !== 'string') return undefined;
  return keys.find((key) => key.id !== kid && key.id.toLowerCase() === kid.toLowerCase())?.id;
}

/** The community's verifier with the kid read as `alias`: the signature checked by the real verifier with the key the kid meant. */
async function aliasedSignature(token: string, community: Community, alias: string, kid: unknown, keys: readonly ConfiguredKey[], now: () => number): Promise<Check> {
  const keySource = { getKey: () => community.keySource.getKey(alias) };
  const result = await outcome(() => createVerifier(community, { keySource, cacheSize: 0, now }).verify({ jwt: token }));
  const verdict = at('signature', result);
  if (verdict instanceof Error) return failed('signature', verdict, signatureCauses(token, alias, keys));
  if (verdict === 'passed') return passed('signature', `the signature verifies with key "${alias}" (the kid's case-insensitive match)`);
  return skipped('signature', 'not checked: an earlier step failed');
}

/**
 * SPEC §4 in order, every verdict the real verifier's: the community's own
 * verifier when a community file is given, and a probe (the same verifier
 * with a throwaway key, see explain-probe.ts) for the steps that need no key
 * or that the community's verifier did not reach.
 */
export async function runChecks(rawToken: string, file: CommunityFile | undefined): Promise<Report> {
  const token = rawToken.trim();
  const community = file?.community;
  const report: Report = { verdict: 'refused', community: community ? { file: file!.path, id: community.id } : null, checks: [], warnings: [] };
  // The clock, read once: every verifier below and every cause sees the same instant (identity/hints.ts),
  // or one line says "iat is 37 s in the future" and the next "38 s".
  const nowMs = Date.now();
  const clock = (): number => nowMs;
  const now = nowMs / 1000;
  const real = community ? await outcome(() => createVerifier(community, { cacheSize: 0, now: clock }).verify({ jwt: token })) : undefined;
  const probe = createProbe(file?.config ?? {}, clock);
  const keys = file ? configuredKeys(file) : undefined;

  const mode = real && at('mode', real);
  report.checks.push(!real ? skipped('mode', 'no --community: the mode was not checked') : mode === 'passed' || mode === undefined ? passed('mode', `signedIdentities '${community!.signedIdentities}' takes a JWT`) : failed('mode', mode, [{ cause: "the community's signedIdentities is 'reject'", fix: "send unsigned identity data, or set signedIdentities to 'require'." }]));

  let decoded: DecodedJwt;
  try {
    decoded = decodeJwt(token);
  } catch (error) {
    report.checks.push(failed('shape', error as IdentityError, shapeCauses(rawToken)));
    for (const step of STEPS.slice(2)) report.checks.push(skipped(step, 'not checked: the token cannot be decoded'));
    return report;
  }
  report.checks.push(passed('shape'));
  const { header, payload } = decoded;
  report.header = header;
  report.payload = payload;

  // Header: the community's verifier when it got that far, else the probe (which knows every rule but the kid lookup).
  const realHeader = real && at('header', real);
  const header1 = realHeader ?? at('header', await probe.header(header, payload));
  report.checks.push(header1 instanceof Error ? failed('header', header1, headerCauses(header, header1)) : passed('header', real ? PASSED.header : 'alg and header members are accepted (kid not looked up: no --community)'));

  const signature = real && at('signature', real);
  const alias = real && signature === undefined && header1 instanceof Error ? caseInsensitiveKid(header.kid, keys!) : undefined;
  if (!real) report.checks.push(skipped('signature', 'not checked: give --community FILE (with the key) to check the signature'));
  else if (alias) report.checks.push(await aliasedSignature(token, community!, alias, header.kid, keys!, clock));
  else if (signature === undefined) report.checks.push(skipped('signature', 'not checked: an earlier step failed'));
  else report.checks.push(signature instanceof Error ? failed('signature', signature, signatureCauses(token, header.kid, keys!)) : passed('signature', `the signature verifies with key "${String(header.kid)}"`));

  // Claims and fields: the community's verdict when it reached them, else the probe's on the payload alone.
  const payloadResult = real && at('claims', real) !== undefined ? real : await probe.payload(payload);
  const claims = at('claims', payloadResult)!;
  if (!(claims instanceof Error)) report.checks.push(passed('claims'));
  // Every claim problem, not only the first: each is set right in turn and the probe runs the claims again.
  let fixed: Record<string, unknown> = payload;
  let fieldsResult = payloadResult;
  for (let error = claims, round = 0; error instanceof Error && round < 5; round++) {
    report.checks.push(failed('claims', error, claimsCauses(payload, error, probe.policy, now)));
    fixed = setRight(fixed, error.path, Math.floor(now) + probe.policy.minTokenLifetime + 600);
    fieldsResult = await probe.payload(fixed);
    const next = at('claims', fieldsResult);
    error = next instanceof Error && next.path !== error.path ? next : 'passed';
  }
  const fields = at('fields', fieldsResult);
  if (fields === undefined) report.checks.push(skipped('fields', 'not checked: the claims could not be set right'));
  else report.checks.push(fields instanceof Error ? failed('fields', fields, fieldCauses(payload)) : { ...passed('fields'), causes: fieldCauses(payload) });
  if (fieldsResult.ok) report.warnings = fieldsResult.identity.warnings;

  const anyFailed = report.checks.some((check) => check.status === 'failed');
  report.verdict = anyFailed ? 'refused' : real?.ok ? 'verifies' : 'unverified';
  return report;
}
