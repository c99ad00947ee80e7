/** Runs that must not overlap take turns: each waits until the one before has ended its turn. */

/** A line to wait in. */
export interface Turns {
  /**
   * Waits for this caller's turn; resolves with what ends it (call it exactly once). Resolves undefined, having
   * waited for nothing, if `signal` fires first: the turn then passes on to the next caller as soon as it would have come.
   */
  take(signal?: AbortSignal): Promise<(() => void) | undefined>;
}

/** An empty line: the first caller's turn comes at once. */
export function createTurns(): Turns {
  let last: Promise<void> = Promise.resolve();
  return {
    async take(signal) {
      const previous = last;
      let endTurn!: () => void;
      last = new Promise((resolve) => {
        endTurn = resolve;
      });
      if (await turnComes(previous, signal)) return endTurn;
      void previous.then(endTurn);
      return undefined;
    },
  };
}

/** Resolves true when `turn` comes, false if `signal` fires first. */
function turnComes(turn: Promise<void>, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal === undefined) return turn.then(() => true);
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const giveUp = (): void => resolve(false);
    signal.addEventListener('abort', giveUp, { once: true });
    void turn.then(() => {
      signal.removeEventListener('abort', giveUp);
      resolve(true);
    });
  });
}
