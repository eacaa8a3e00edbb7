import { nodeBackend } from './node.js';
import type { SignatureBackend } from './types.js';
import { webCryptoBackend } from './webcrypto.js';

let selected: SignatureBackend | undefined;

/** node:crypto when available, else WebCrypto. Chosen once per process. */
export function signatureBackend(): SignatureBackend {
  selected ??= nodeBackend() ?? webCryptoBackend();
  return selected;
}
