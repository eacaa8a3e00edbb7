/**
 * support/draft.ts, SPEC §10 "Nothing typed is lost": the composer's text survives the
 * session-expired notice's Refresh, in this tab's sessionStorage, taken once.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keepDraft, reloadKeeping, takeDraft } from '../../../src/client/support/draft.js';

beforeEach(() => sessionStorage.clear());
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

/** sessionStorage as private modes and sandboxes have it: every call throws. */
function blockSessionStorage(): void {
  const blocked = (): never => {
    throw new DOMException('blocked', 'SecurityError');
  };
  vi.stubGlobal('sessionStorage', { getItem: blocked, setItem: blocked, removeItem: blocked });
}

describe('keeping and taking the draft', () => {
  it('gives back the uuid and the text once, then nothing', () => {
    keepDraft('visitor-1', 'hello there');
    expect(takeDraft()).toEqual(['visitor-1', 'hello there']);
    expect(takeDraft()).toBeUndefined();
  });

  it('splits at the first line break: the text keeps its own', () => {
    keepDraft('visitor-1', 'line one\nline two\n');
    expect(takeDraft()).toEqual(['visitor-1', 'line one\nline two\n']);
  });

  it('keeps nothing for an empty composer, and leaves an earlier draft alone', () => {
    keepDraft('visitor-1', 'earlier');
    keepDraft('visitor-2', '');
    expect(takeDraft()).toEqual(['visitor-1', 'earlier']);
  });

  it('stores only the uuid and the text, under its own key', () => {
    keepDraft('visitor-1', 'hi');
    expect(Object.keys(sessionStorage)).toEqual(['chatq.draft']);
    expect(sessionStorage.getItem('chatq.draft')).toBe('visitor-1\nhi');
  });

  it('neither throws nor keeps anything where storage is blocked', () => {
    blockSessionStorage();
    expect(() => keepDraft('visitor-1', 'hi')).not.toThrow();
    expect(takeDraft()).toBeUndefined();
  });
});

describe('the Refresh of the session-expired notice', () => {
  it('keeps what the visitor typed, then reloads the page', () => {
    const reload = vi.spyOn(location, 'reload').mockImplementation(() => {});
    reloadKeeping('visitor-1', 'half a question');
    expect(reload).toHaveBeenCalledOnce();
    expect(takeDraft()).toEqual(['visitor-1', 'half a question']);
  });

  it('keeps nothing without a visitor, and still reloads', () => {
    const reload = vi.spyOn(location, 'reload').mockImplementation(() => {});
    reloadKeeping(undefined, 'typed');
    expect(reload).toHaveBeenCalledOnce();
    expect(takeDraft()).toBeUndefined();
  });
});
