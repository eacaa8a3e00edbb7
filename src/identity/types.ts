/** SPEC §3: the fields an agent sees (identity attributes + Identity Group fields). */
export const PREDEFINED_FIELDS = [
  'firstname',
  'lastname',
  'screenname',
  'email',
  'company',
  'avatar_url',
  'gender',
  'home_phone',
  'mobile_phone',
  'notes',
] as const;

export type PredefinedField = (typeof PREDEFINED_FIELDS)[number];

/** SPEC §2: the identity data a host page (or a JWT payload) gives. Every field optional. */
export interface IdentityData {
  screenname?: string;
  firstname?: string;
  lastname?: string;
  company?: string;
  email?: string;
  avatar_url?: string;
  /** The visitor's stable id in the host's system. An integer is turned into its decimal string. */
  uuid?: string | number;
  extra_values?: Record<string, string | number | boolean>;
}

export interface IdentityWarning {
  /** Stable, e.g. `W_FIELD_DROPPED`, `W_UNKNOWN_FIELD`, `W_UNSIGNED_IGNORED`, `W_CUSTOM_FIELD_REGEX`. */
  code: string;
  path: string;
  message: string;
}

export type UuidSource = 'jwt' | 'unsigned' | 'automated';

/** SPEC §4: what the verifier resolves to. */
export interface VerifiedIdentity {
  uuid: string;
  uuidSource: UuidSource;
  signed: boolean;
  kid?: string;
  /**
   * When the identity lapses: the JWT's `exp` in **milliseconds** since the
   * epoch (exp × 1000), like every `expiresAt` of chatq since 0.3.0. The JWT
   * claim itself stays `exp`, in seconds (RFC 7519).
   */
  expiresAt?: number;
  fields: Partial<Record<PredefinedField, string>>;
  customFields: Record<string, string>;
  extraValues: Record<string, string>;
  warnings: IdentityWarning[];
}

/** SPEC §4: the verifier's input. */
export interface VerifyInput {
  identity?: unknown;
  jwt?: unknown;
  /** The browser's automated uuid (SPEC §2), used for anonymous visitors. */
  automatedUuid?: unknown;
}

/** Anything that verifies: the built-in verifier, a remote service, a test double (SPEC §4). */
export interface IdentityVerifier {
  verify(input: VerifyInput): Promise<VerifiedIdentity>;
  /** When known, the rules this verifier applies; the handler passes them to the widget. */
  readonly policy?: IdentityPolicy;
  /** The community id (SPEC §6 "Sharing"), when the verifier serves one: the handler keys everything by it. */
  readonly communityId?: string;
  /** @deprecated since 0.3.0: `communityId` (`community` names the object defineCommunity returns). Still read until 0.4. */
  readonly community?: string;
}

export type SignedIdentitiesMode = 'require' | 'reject' | 'accept';

/** The rules a verifier applies, told to the widget so it can warn early (SPEC §5). */
export interface IdentityPolicy {
  mode: SignedIdentitiesMode;
  /** Seconds: `exp` must be at least this far ahead when an identity is set. */
  minTokenLifetime: number;
  /** Seconds of leeway on every time comparison. */
  clockTolerance: number;
}
