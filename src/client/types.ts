import type { ErrorCode, IdentityData, PublicIdentity } from '../identity/index.js';

/**
 * Every code the widget reports: the server's (they travel unchanged, SPEC §4, §6) and
 * `ERR_NETWORK`, the widget's own, when no answer came back (offline, DNS, a proxy that cut it).
 */
export type MessengerErrorCode = ErrorCode | 'ERR_NETWORK';

/** A message as the widget shows it. */
export interface MessengerMessage {
  /** The server id, once the server has it. */
  id?: string;
  /** The widget's idempotency key for visitor messages. */
  clientId?: string;
  author: 'visitor' | 'agent' | 'system';
  body: string;
  /** Milliseconds since the epoch (server clock). */
  createdAt: number;
}

/** Event name → data. Every event's data has an `event` key with its name (SPEC §5). */
export interface MessengerEvents {
  started: { event: 'started' };
  chat_shown: { event: 'chat_shown' };
  chat_closed: { event: 'chat_closed' };
  /** The visitor's first message in this conversation. */
  chat_engaged: { event: 'chat_engaged'; message: MessengerMessage };
  message_sent: { event: 'message_sent'; message: MessengerMessage };
  message_received: { event: 'message_received'; message: MessengerMessage };
  identity_verified: { event: 'identity_verified'; identity: PublicIdentity; expiresAt?: number };
  identity_rejected: { event: 'identity_rejected'; code: MessengerErrorCode; message: string };
  /** `expiresAt`: when the session lapses, milliseconds since the epoch, server clock. */
  identity_expiring: { event: 'identity_expiring'; expiresAt: number };
  session_expired: { event: 'session_expired'; expiresAt?: number };
}

export type MessengerEventName = keyof MessengerEvents;

/** Translations: locale → key → text. `{name}`-style placeholders are filled in as text. */
export type Translations = Record<string, Record<string, string>>;

export interface MessengerOptions {
  /** Where the chatq handler is mounted, e.g. `https://chat.example.com/chatq`. */
  server: string;
  /** Embed the chat in this element instead of the floating launcher. */
  container?: HTMLElement;
  /** `en`, `fr`, or any locale given to `addTranslations`. Default: the page's language. */
  locale?: string;
  /** Called before the JWT lapses (and after, until it succeeds) to get a fresh one. */
  getToken?: () => Promise<string> | string;
  /** Seconds before expiry to fire `identity_expiring` and call `getToken`. Default 300. */
  renewBefore?: number;
}

/** The script tag's `_setConfiguration` options (also `Messenger.setConfiguration`). */
export interface MessengerConfiguration {
  embedded?: boolean;
  /** With `embedded`: the id of the element to render into. */
  parentNodeId?: string;
  locale?: string;
  renewBefore?: number;
  /** The panel header's title (SPEC §10 "Who is answering"); default: the translated "Chat". Shown as text. */
  title?: string;
  /** Which side the floating launcher and panel sit on (SPEC §10 "Looks and placement"). Default `right`. */
  position?: 'left' | 'right';
  /** `auto` (the default) follows the visitor's `prefers-color-scheme`. */
  theme?: 'auto' | 'light' | 'dark';
  /** `false`: no preview card beside the launcher when an agent message comes in while closed (SPEC §10 "Unread"). */
  preview?: boolean;
  /** `true`: the tab title is prefixed with the unread count, `(2) Shop`. */
  titleAlert?: boolean;
}

/** What `setIdentity` resolves to; it never rejects. */
export type IdentityResult =
  | { ok: true; identity: PublicIdentity }
  | { ok: false; code: MessengerErrorCode; message: string };

export interface Messenger {
  /** A string is a signed identity (JWT); an object is unsigned data (SPEC §2). */
  setIdentity(identity: string | IdentityData): Promise<IdentityResult>;
  setSignedIdentity(jwt: string): Promise<IdentityResult>;
  /** Logout: forgets the identity, the session, the messages and the automated uuid, in place. */
  clearIdentity(): void;
  on<K extends MessengerEventName>(name: K, fn: (data: MessengerEvents[K]) => void): () => void;
  open(): void;
  close(): void;
  /** Shows a message in the chat (not sent to the server), e.g. a greeting. */
  addMessage(message: { body: string; agent?: boolean }): void;
  /** Tells the server the visitor moved to another page (single-page apps). */
  pageChange(): void;
  addTranslations(translations: Translations): void;
  setConfiguration(configuration: MessengerConfiguration): void;
  /** Removes the widget and stops every timer, stream and listener. */
  destroy(): void;
}
