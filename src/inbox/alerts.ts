/** Preferences only (never a credential): whether to notify and to play a sound. */
const PREFS_KEY = 'chatq-inbox-alerts';

/**
 * Opt-in desktop notifications and a short sound for new visitor messages
 * (SPEC §11). Both off until the agent turns them on; the sound is a tone
 * made with Web Audio, so no file is fetched.
 */
export class Alerts {
  notifications = false;
  sound = false;
  #audio: AudioContext | undefined;

  constructor() {
    try {
      const saved = JSON.parse(localStorage.getItem(PREFS_KEY) ?? '{}') as { notifications?: boolean; sound?: boolean };
      this.notifications = saved.notifications === true && typeof Notification !== 'undefined' && Notification.permission === 'granted';
      this.sound = saved.sound === true;
    } catch {
      // Storage blocked or unreadable: both stay off.
    }
  }

  async toggleNotifications(): Promise<void> {
    if (this.notifications || typeof Notification === 'undefined') this.notifications = false;
    else this.notifications = (await Notification.requestPermission()) === 'granted';
    this.#save();
  }

  toggleSound(): void {
    this.sound = !this.sound;
    // Created in the click that turns sound on: browsers only let audio start from a user gesture.
    if (this.sound) this.#audio ??= new AudioContext();
    this.#save();
  }

  newMessage(from: string, body: string, tag: string): void {
    if (this.notifications && typeof Notification !== 'undefined' && Notification.permission === 'granted') {
      new Notification(from, { body: body.length > 140 ? `${body.slice(0, 139)}…` : body, tag });
    }
    if (this.sound) {
      // After a reload the saved choice has no context yet: made (or resumed) here, it plays once the agent
      // has clicked anywhere on the page; before that the browser keeps it suspended and silent.
      this.#audio ??= new AudioContext();
      if (this.#audio.state === 'suspended') void this.#audio.resume().catch(() => undefined);
      const oscillator = this.#audio.createOscillator();
      const gain = this.#audio.createGain();
      gain.gain.value = 0.08;
      oscillator.frequency.value = 880;
      oscillator.connect(gain).connect(this.#audio.destination);
      oscillator.start();
      oscillator.stop(this.#audio.currentTime + 0.12);
    }
  }

  #save(): void {
    try {
      localStorage.setItem(PREFS_KEY, JSON.stringify({ notifications: this.notifications, sound: this.sound }));
    } catch {
      // Not saved: the choice holds for this page.
    }
  }
}
