/** The inbox's short times (src/inbox/view/format.ts), in the agent's locale through Intl. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { shortTime } from '../../../src/inbox/view/format.js';

const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const dayAndTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
/** Local wall-clock instants, so "today" is the agent's day whatever the machine's time zone. */
const local = (day: number, hour: number, minute: number): number => new Date(2026, 0, day, hour, minute).getTime();

afterEach(() => {
  vi.useRealTimers();
});

describe('shortTime', () => {
  it('shows only the time for a moment earlier today, at the day’s first and last minute too', () => {
    const now = local(15, 12, 0);
    for (const at of [local(15, 9, 5), local(15, 0, 0), local(15, 23, 59)]) expect(shortTime(at, now)).toBe(timeOnly.format(at));
    expect(shortTime(local(15, 9, 5), now)).toMatch(/9.05/);
  });

  it('adds the day for any other day, even a minute before midnight', () => {
    const now = local(15, 0, 1);
    const yesterday = local(14, 23, 59);
    expect(shortTime(yesterday, now)).toBe(dayAndTime.format(yesterday));
    expect(shortTime(yesterday, now)).not.toBe(timeOnly.format(yesterday));
    expect(shortTime(local(16, 8, 0), now)).toBe(dayAndTime.format(local(16, 8, 0)));
    expect(shortTime(new Date(2025, 0, 15, 9, 5).getTime(), local(15, 9, 5))).toBe(dayAndTime.format(new Date(2025, 0, 15, 9, 5)));
  });

  it('takes today from the clock when no `now` is given', () => {
    vi.useFakeTimers({ now: local(15, 18, 0), toFake: ['Date'] });
    expect(shortTime(local(15, 9, 5))).toBe(timeOnly.format(local(15, 9, 5)));
    expect(shortTime(local(14, 9, 5))).toBe(dayAndTime.format(local(14, 9, 5)));
  });
});
