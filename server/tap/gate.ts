/**
 * The tap's pause button. While the gate is open every frame passes at
 * once; while it holds, frames wait in arrival order (across every
 * connection and both directions) until they are stepped through one at a
 * time or released all together. This is what lets a learner watch a run
 * one protocol event at a time.
 */

/** A frame (or whole message) waiting to be passed on; forward sends it and reports it. */
interface HeldUnit {
  readonly owner: object;
  readonly forward: () => void;
}

/** Decides when frames pass: now, or when stepped or released. */
export interface Gate {
  /** True while frames are being held back. */
  readonly holding: boolean;
  /** Frames waiting. */
  readonly waiting: number;
  /** Starts holding frames back. */
  hold(): void;
  /** Passes every waiting frame, in order, and stops holding. */
  release(): void;
  /** Passes the oldest waiting frame; false when none is waiting. */
  step(): boolean;
  /** Runs forward now when open; otherwise queues it under owner (a connection). */
  submit(owner: object, forward: () => void): void;
  /** Drops the frames an owner still has waiting (its connection is gone). */
  forget(owner: object): void;
}

/** Creates an open gate. */
export function createGate(): Gate {
  let holding = false;
  let queue: HeldUnit[] = [];
  // Index of the oldest waiting unit; the array is compacted now and then instead of shifted each step.
  let head = 0;

  function takeOldest(): HeldUnit | undefined {
    const unit = queue[head];
    if (unit === undefined) return undefined;
    head += 1;
    if (head === queue.length) {
      queue = [];
      head = 0;
    } else if (head >= 1024 && head * 2 >= queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    return unit;
  }

  return {
    get holding() {
      return holding;
    },
    get waiting() {
      return queue.length - head;
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      // A forward may hold again (a listener pausing the run): stop there and keep the rest waiting.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a forward may call hold()
      while (!holding) {
        const unit = takeOldest();
        if (unit === undefined) return;
        unit.forward();
      }
    },
    step() {
      const unit = takeOldest();
      if (unit === undefined) return false;
      unit.forward();
      return true;
    },
    submit(owner, forward) {
      if (holding || head < queue.length) queue.push({ owner, forward });
      else forward();
    },
    forget(owner) {
      queue = queue.slice(head).filter((unit) => unit.owner !== owner);
      head = 0;
    },
  };
}
