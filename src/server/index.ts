/**
 * `chatq/server`: the community configuration, the identity verifier and the
 * messaging handler. Runs on any runtime with web-standard APIs; on Node it
 * uses node:crypto for speed when available (see verifier/crypto).
 */
export * from '../identity/index.js';
export * from './verifier/index.js';
export * from './handler/index.js';
