import { isPlainText } from '../../../../identity/index.js';
import { HttpError } from '../../http/errors.js';

/** `{ seq }` of a read (ReadRequest): a whole message seq. */
export function readSeqField(input: Record<string, unknown>): number {
  const { seq } = input;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    throw new HttpError(400, 'ERR_BAD_REQUEST', 'seq must be the seq of the newest message read (a whole number ≥ 0).');
  }
  return seq;
}

/** RFC 5321's path limit; local part up to 64. */
export const EMAIL_MAX_LENGTH = 254;
// Linear: the parts are separated by characters the neighbouring classes exclude.
const EMAIL_PATTERN = /^[^\s@]{1,64}@[^\s@.]+(?:\.[^\s@.]+)+$/;

/** `{ email }` (EmailRequest): one address, plain text, at most 254 characters. */
export function readEmailField(input: Record<string, unknown>): string {
  const email = typeof input.email === 'string' ? input.email.trim() : undefined;
  if (email === undefined || email.length > EMAIL_MAX_LENGTH || !EMAIL_PATTERN.test(email) || !isPlainText(email, false)) {
    throw new HttpError(400, 'ERR_BAD_REQUEST', `email must be one e-mail address such as name@example.com, at most ${EMAIL_MAX_LENGTH} characters.`);
  }
  return email;
}
