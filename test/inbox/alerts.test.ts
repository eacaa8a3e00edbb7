/**
 * The inbox's opt-in alerts (src/inbox/alerts.ts, SPEC §11). happy-dom has
 * no Notification and no Web Audio, so the test gives the page stand-ins
 * that record what the module asks of them (the real ones are the browser's).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Alerts } from '../../src/inbox/alerts.js';

const PREFS_KEY = 'chatq-inbox-alerts';

class PageNotification {
  static permission: NotificationPermission = 'default';
  /** What the next permission prompt answers. */
  static answer: NotificationPermission = 'granted';
  static asked = 0;
  static shown: { title: string; options: NotificationOptions }[] = [];
  static async requestPermission(): Promise<NotificationPermission> {
    PageNotification.asked++;
    PageNotification.permission = PageNotification.answer;
    return PageNotification.answer;
  }
  constructor(title: string, options: NotificationOptions) {
    PageNotification.shown.push({ title, options });
  }
}

/** Every tone played: the graph the module built and when it stops. */
const tones: { frequency: number; gain: number; toDestination: boolean; startedAt: number; stopAt: number }[] = [];
let contexts = 0;
let resumed = 0;
/** A context made before the page had a click starts suspended. */
let startState: AudioContextState = 'running';
class PageAudioContext {
  readonly currentTime = 12.5;
  state = startState;
  async resume(): Promise<void> {
    resumed++;
    this.state = 'running';
  }
  readonly destination = { kind: 'destination' };
  constructor() {
    contexts++;
  }
  createGain() {
    return { gain: { value: 1 }, connect: (target: unknown) => target };
  }
  createOscillator() {
    const context = this;
    const tone = { frequency: 0, gain: 0, toDestination: false, startedAt: -1, stopAt: -1 };
    return {
      frequency: { value: 440 },
      connect(gain: { gain: { value: number }; connect: (target: unknown) => unknown }) {
        return { connect: (target: unknown) => ((tone.gain = gain.gain.value), (tone.toDestination = target === context.destination), gain.connect(target)) };
      },
      start() {
        tone.frequency = this.frequency.value;
        tone.startedAt = context.currentTime;
      },
      stop(at: number) {
        tone.stopAt = at;
        tones.push(tone);
      },
    };
  }
}

beforeEach(() => {
  localStorage.clear();
  PageNotification.permission = 'default';
  PageNotification.answer = 'granted';
  PageNotification.asked = 0;
  PageNotification.shown = [];
  tones.length = 0;
  contexts = 0;
  resumed = 0;
  startState = 'running';
  vi.stubGlobal('Notification', PageNotification);
  vi.stubGlobal('AudioContext', PageAudioContext);
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const saved = (): unknown => JSON.parse(localStorage.getItem(PREFS_KEY) ?? 'null');

describe('the saved choice', () => {
  it('starts with both off', () => {
    const alerts = new Alerts();
    expect([alerts.notifications, alerts.sound]).toEqual([false, false]);
  });

  it('restores sound, and notifications only while the browser still grants them', () => {
    localStorage.setItem(PREFS_KEY, JSON.stringify({ notifications: true, sound: true }));
    PageNotification.permission = 'granted';
    expect([new Alerts().notifications, new Alerts().sound]).toEqual([true, true]);
    PageNotification.permission = 'denied';
    expect(new Alerts().notifications).toBe(false);
    vi.stubGlobal('Notification', undefined);
    expect(new Alerts().notifications).toBe(false);
  });

  it('reads only true as on, and anything unreadable as off', () => {
    PageNotification.permission = 'granted';
    localStorage.setItem(PREFS_KEY, JSON.stringify({ notifications: 'yes', sound: 1 }));
    expect([new Alerts().notifications, new Alerts().sound]).toEqual([false, false]);
    localStorage.setItem(PREFS_KEY, '{not json');
    expect([new Alerts().notifications, new Alerts().sound]).toEqual([false, false]);
  });

  it('holds the choice for the page when storage refuses to save it', () => {
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('quota', 'QuotaExceededError');
    });
    const alerts = new Alerts();
    expect(() => alerts.toggleSound()).not.toThrow();
    expect(alerts.sound).toBe(true);
  });
});

describe('toggleNotifications', () => {
  it('asks the browser, turns on when granted and saves it', async () => {
    const alerts = new Alerts();
    await alerts.toggleNotifications();
    expect([PageNotification.asked, alerts.notifications]).toEqual([1, true]);
    expect(saved()).toEqual({ notifications: true, sound: false });
  });

  it('stays off when the agent refuses, and turns off without asking again', async () => {
    PageNotification.answer = 'denied';
    const refused = new Alerts();
    await refused.toggleNotifications();
    expect(refused.notifications).toBe(false);
    PageNotification.answer = 'granted';
    const alerts = new Alerts();
    await alerts.toggleNotifications();
    await alerts.toggleNotifications();
    expect([PageNotification.asked, alerts.notifications]).toEqual([2, false]);
    expect(saved()).toEqual({ notifications: false, sound: false });
  });

  it('stays off in a browser without notifications', async () => {
    vi.stubGlobal('Notification', undefined);
    const alerts = new Alerts();
    await alerts.toggleNotifications();
    expect(alerts.notifications).toBe(false);
  });
});

describe('toggleSound', () => {
  it('turns sound on and off, saved, with one audio context made in the first click', () => {
    const alerts = new Alerts();
    expect(contexts).toBe(0);
    alerts.toggleSound();
    expect([alerts.sound, contexts]).toEqual([true, 1]);
    expect(saved()).toEqual({ notifications: false, sound: true });
    alerts.toggleSound();
    alerts.toggleSound();
    expect([alerts.sound, contexts]).toEqual([true, 1]);
  });
});

describe('newMessage', () => {
  it('shows a notification from the visitor, tagged by conversation, when on', async () => {
    const alerts = new Alerts();
    await alerts.toggleNotifications();
    alerts.newMessage('Ada', 'Is my order on its way?', 'c1');
    expect(PageNotification.shown).toEqual([{ title: 'Ada', options: { body: 'Is my order on its way?', tag: 'c1' } }]);
  });

  it('cuts a body past 140 characters to 139 and an ellipsis', async () => {
    const alerts = new Alerts();
    await alerts.toggleNotifications();
    alerts.newMessage('Ada', 'x'.repeat(140), 'c1');
    alerts.newMessage('Ada', 'y'.repeat(141), 'c1');
    expect(PageNotification.shown.map(({ options }) => options.body)).toEqual(['x'.repeat(140), `${'y'.repeat(139)}…`]);
  });

  it('shows nothing when off, or when the browser took the permission back', async () => {
    new Alerts().newMessage('Ada', 'hi', 'c1');
    const alerts = new Alerts();
    await alerts.toggleNotifications();
    PageNotification.permission = 'denied';
    alerts.newMessage('Ada', 'hi', 'c1');
    expect(PageNotification.shown).toEqual([]);
  });

  it('plays a short quiet 880 Hz tone when sound is on, and none when off', () => {
    const alerts = new Alerts();
    alerts.newMessage('Ada', 'hi', 'c1');
    expect(tones).toEqual([]);
    alerts.toggleSound();
    alerts.newMessage('Ada', 'hi', 'c1');
    expect(tones).toEqual([{ frequency: 880, gain: 0.08, toDestination: true, startedAt: 12.5, stopAt: 12.62 }]);
    alerts.toggleSound();
    alerts.newMessage('Ada', 'hi', 'c1');
    expect(tones).toHaveLength(1);
  });

  it('plays after a reload with sound saved on, the audio context made at the first message', () => {
    localStorage.setItem(PREFS_KEY, JSON.stringify({ sound: true }));
    const alerts = new Alerts();
    expect(contexts).toBe(0);
    alerts.newMessage('Ada', 'hi', 'c1');
    alerts.newMessage('Ada', 'again', 'c1');
    expect([alerts.sound, contexts, tones.length]).toEqual([true, 1, 2]);
  });

  it('resumes a context the browser suspended, once', () => {
    startState = 'suspended';
    const alerts = new Alerts();
    alerts.toggleSound();
    alerts.newMessage('Ada', 'hi', 'c1');
    alerts.newMessage('Ada', 'again', 'c1');
    expect(resumed).toBe(1);
  });
});
