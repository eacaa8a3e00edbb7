/**
 * `chatq`, the browser ESM entry (SPEC §5, §7): `createMessenger` and its
 * types. The script tag's entry is `loader.ts`.
 */
export { createMessenger } from './messenger.js';
export { defineMessengerElement, TAG_NAME } from './ui/define.js';
export { ChatqMessengerElement } from './ui/element.js';
export type { MessageView, MessengerElementEvents, NoticeKind } from './ui/element.js';
export type { IdentityStatus, LifecycleState } from './session/lifecycle.js';
export type {
  IdentityResult,
  Messenger,
  MessengerConfiguration,
  MessengerErrorCode,
  MessengerEventName,
  MessengerEvents,
  MessengerMessage,
  MessengerOptions,
  Translations,
} from './types.js';
export type { ErrorCode, IdentityData, PublicIdentity } from '../identity/index.js';
