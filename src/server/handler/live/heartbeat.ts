/**
 * One heartbeat timer for every open stream with the same period, not one
 * per stream (issue 22 item 4): a Node Timeout and its list entry cost ~0.2
 * KB each, for 10,000 streams 2 MB. The period is cut into SLOTS ticks; a
 * stream joins the slot that fired last, so its beats come every period,
 * the first one within a period of its opening (never later: a proxy's idle
 * timeout set above the period still never fires).
 */

/** What the wheel beats. `slot` and `index` are the wheel's bookkeeping, kept on the stream (no entry object). */
export interface Beating {
  beat(): void;
  slot: number;
  index: number;
}

const SLOTS = 8;

class Wheel {
  readonly #slots: Beating[][] = Array.from({ length: SLOTS }, () => []);
  #cursor = 0;
  #count = 0;
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(
    readonly periodMs: number,
    private readonly onEmpty: () => void,
  ) {
    this.#timer = setInterval(tick, periodMs / SLOTS, this);
  }

  add(item: Beating): void {
    const slot = this.#slots[this.#cursor]!;
    item.slot = this.#cursor;
    item.index = slot.length;
    slot.push(item);
    this.#count++;
  }

  /** Swap-remove: O(1); the moved stream learns its new index. */
  remove(item: Beating): void {
    const slot = this.#slots[item.slot];
    if (slot?.[item.index] !== item) return;
    const last = slot.pop()!;
    if (last !== item) {
      slot[item.index] = last;
      last.index = item.index;
    }
    item.slot = -1;
    if (--this.#count === 0) {
      clearInterval(this.#timer);
      this.onEmpty();
    }
  }

  tick(): void {
    this.#cursor = (this.#cursor + 1) % SLOTS;
    // A copy: a beat may end its stream (a failed write), which takes it out of the slot.
    for (const item of [...this.#slots[this.#cursor]!]) {
      try {
        item.beat();
      } catch {
        // One stream's failure must not stop the others' heartbeats.
      }
    }
  }
}

function tick(wheel: Wheel): void {
  wheel.tick();
}

const wheels = new Map<number, Wheel>();

/** Starts beating `item` every `periodMs` until stopBeating. */
export function startBeating(item: Beating, periodMs: number): void {
  let wheel = wheels.get(periodMs);
  if (!wheel) {
    const created = new Wheel(periodMs, () => {
      if (wheels.get(periodMs) === created) wheels.delete(periodMs);
    });
    wheels.set(periodMs, (wheel = created));
  }
  wheel.add(item);
}

export function stopBeating(item: Beating, periodMs: number): void {
  if (item.slot >= 0) wheels.get(periodMs)?.remove(item);
}
