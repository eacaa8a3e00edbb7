const sameDay = (a: Date, b: Date): boolean => a.toDateString() === b.toDateString();

/** A message or list time in the agent's locale: the time today, else the day and time (Intl, no date library). */
export function shortTime(ms: number, now = Date.now()): string {
  const at = new Date(ms);
  // The locale's own short time (fr "00:08", en "12:08 AM"), as the widget writes it.
  const options: Intl.DateTimeFormatOptions = sameDay(at, new Date(now)) ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' };
  return new Intl.DateTimeFormat(undefined, options).format(at);
}
