const sameDay = (a: Date, b: Date): boolean => a.toDateString() === b.toDateString();

/** A message or list time in the agent's locale: the time today, else the day and time (Intl, no date library). */
export function shortTime(ms: number, now = Date.now()): string {
  const at = new Date(ms);
  const options: Intl.DateTimeFormatOptions = sameDay(at, new Date(now))
    ? { hour: 'numeric', minute: '2-digit' }
    : { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' };
  return new Intl.DateTimeFormat(undefined, options).format(at);
}
