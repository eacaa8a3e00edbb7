/**
 * The one supersession token of the widget. Whatever starts work for the
 * current visitor (a registration, queued or retried; a stream; a send; a
 * history load) takes a ticket; a logout, a user switch or `destroy()`
 * supersedes them all at once, and every answer that arrives after is
 * dropped (SPEC §5: one visitor never sees the next one's conversation).
 */
export interface Supersession {
  /** A check that stays `true` for as long as nothing has superseded the work started now. */
  ticket(): () => boolean;
  supersede(): void;
}

export function createSupersession(): Supersession {
  let round = 0;
  return {
    ticket() {
      const taken = round;
      return () => taken === round;
    },
    supersede: () => void round++,
  };
}
