/**
 * The composer's text across the session-expired notice's Refresh (SPEC §10 "Nothing typed is
 * lost"): kept in this tab's `sessionStorage` for the page that follows, under the uuid of the
 * visitor who typed it, and taken (read once, removed) when the widget starts. Only the text:
 * never the JWT or the session. Storage that throws (private modes, sandboxes) keeps nothing.
 */
const KEY = 'chatq.draft';

/** Keeps `text`, typed by visitor `uuid`. */
export function keepDraft(uuid: string, text: string): void {
  try {
    if (text) sessionStorage.setItem(KEY, `${uuid}\n${text}`);
  } catch {
    // Not kept: the reload loses it, as before.
  }
}

/** The session-expired notice's Refresh: keeps what visitor `uuid` typed (none: nothing), then reloads the page. */
export function reloadKeeping(uuid: string | undefined, text: string): void {
  if (uuid) keepDraft(uuid, text);
  location.reload();
}

/** The kept draft as `[uuid, text]` (the uuid has no line break: the first one splits), once. */
export function takeDraft(): string[] | undefined {
  try {
    const kept = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
    const at = kept?.indexOf('\n') ?? -1;
    if (at >= 0) return [kept!.slice(0, at), kept!.slice(at + 1)];
  } catch {
    // Blocked: nothing kept.
  }
}
