/**
 * The seventh tutorial's strategies for publisher confirms: wait for each
 * message's confirm before sending the next, wait once per batch, or keep
 * publishing and let confirms arrive on their own. Each strategy publishes the
 * same number of messages on a connection of its own, and reports its
 * throughput and how its confirms arrived.
 */
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Type, type Static } from '@sinclair/typebox';
import { defineScenario, PublishProperties, toPublishOptions } from '../../../server/scenario/index.js';
import { WORDING, confirmsCode } from './confirms.code.js';

const Strategy = Type.Union([Type.Literal('individual'), Type.Literal('batch'), Type.Literal('async')]);

/** A way of waiting for confirms. */
export type Strategy = Static<typeof Strategy>;

/** How long a strategy waits with messages outstanding and no confirm arriving before it gives up on them. */
const CONFIRM_STALL_MS = 5000;

/** How often the stall watch looks at the confirms. */
const STALL_CHECK_MS = 250;

/** Counts the confirms of published messages and lets a publisher wait until none is outstanding. */
class ConfirmTracker {
  outstanding = 0;
  confirmed = 0;
  nacked = 0;
  /** True once the publisher stopped waiting for confirms that did not come. */
  abandoned = false;
  private wakeWhenSettled: (() => void)[] = [];

  /** A publish callback for one more message: amqplib calls it with null on ack, an error on nack or close. */
  track(): (error: unknown) => void {
    this.outstanding += 1;
    return (error) => {
      this.outstanding -= 1;
      if (error === null || error === undefined) this.confirmed += 1;
      else this.nacked += 1;
      if (this.outstanding === 0) this.wake();
    };
  }

  /** Resolves once every message tracked so far is confirmed or nacked (a closing channel settles them too), or on giving up. */
  settled(): Promise<void> {
    if (this.outstanding === 0 || this.abandoned) return Promise.resolve();
    return new Promise((resolve) => this.wakeWhenSettled.push(resolve));
  }

  /** Stops waiting for the confirms still outstanding. */
  giveUp(): void {
    this.abandoned = true;
    this.wake();
  }

  private wake(): void {
    for (const wake of this.wakeWhenSettled.splice(0)) wake();
  }
}

const confirmsParams = Type.Object({
  strategies: Type.Array(Strategy, {
    default: ['individual', 'batch', 'async'],
    minItems: 1,
    maxItems: 3,
    uniqueItems: true,
    description:
      'the strategies to run, one after the other in this order: individual waits for each confirm, batch waits once per batch, async only counts confirms as they come',
  }),
  messages: Type.Integer({ default: 500, minimum: 1, maximum: 10_000, description: 'how many messages each strategy publishes' }),
  batchSize: Type.Integer({
    default: 100,
    minimum: 1,
    maximum: 1000,
    description: 'how many messages the batch strategy publishes before it waits for their confirms',
  }),
  properties: PublishProperties,
});

/** The parameters of a publisher confirms cell. */
export type ConfirmsParams = Static<typeof confirmsParams>;

export default defineScenario({
  title: 'Publisher confirms: one at a time, in batches, or asynchronously',
  params: confirmsParams,
  actors: ({ strategies }) => strategies.map((strategy) => WORDING[strategy].actor),
  code: confirmsCode,
  limits: { seconds: 120, messages: 30_000 },
  async run({ params, connect, log, sleep, snapshot, signal }) {
    const publishOptions = toPublishOptions(params.properties);

    /**
     * Gives up on the confirms when messages are outstanding and none has
     * arrived for CONFIRM_STALL_MS, so a broker that never confirms cannot
     * hold the run; ends when `done()` holds or the run stops. It never
     * rejects: it runs beside the publisher, which may be stopped while
     * waiting for something else.
     */
    const watchForStall = async (tracker: ConfirmTracker, done: () => boolean): Promise<void> => {
      let lastSettled = -1;
      let stalledFor = 0;
      while (!done()) {
        try {
          await sleep(STALL_CHECK_MS);
        } catch {
          // The run's sleep rejects only when the run stops: there is nothing left to watch.
          return;
        }
        const settledSoFar = tracker.confirmed + tracker.nacked;
        stalledFor = tracker.outstanding > 0 && settledSoFar === lastSettled ? stalledFor + STALL_CHECK_MS : 0;
        lastSettled = settledSoFar;
        if (stalledFor >= CONFIRM_STALL_MS) {
          tracker.giveUp();
          return;
        }
      }
    };

    for (const strategy of params.strategies) {
      const { actor, how } = WORDING[strategy];
      const connection = await connect(actor);
      const channel = await connection.createConfirmChannel();
      // A fresh server-named queue per strategy, as in the tutorial; nobody consumes it.
      const { queue } = await channel.assertQueue('', { exclusive: true });
      let ackFrames = 0;
      let multipleAcks = 0;
      channel.on('ack', (fields: { multiple?: boolean }) => {
        ackFrames += 1;
        if (fields.multiple === true) multipleAcks += 1;
      });

      const tracker = new ConfirmTracker();
      let finished = false;
      const stallWatch = watchForStall(tracker, () => finished);
      // individual: wait after every message; batch: after every batchSize; async: only once, at the end.
      const waitEvery = strategy === 'individual' ? 1 : strategy === 'batch' ? params.batchSize : params.messages;
      let published = 0;
      let elapsedMs: number;
      const started = performance.now();
      try {
        while (published < params.messages && !tracker.abandoned) {
          signal.throwIfAborted();
          published += 1;
          const keepGoing = channel.sendToQueue(queue, Buffer.from(String(published)), publishOptions, tracker.track());
          if (published % waitEvery === 0) await tracker.settled();
          else if (!keepGoing) await once(channel, 'drain', { signal });
        }
        await tracker.settled();
        // Read before the stall watch is waited for: it notices the end only at its next look, up to STALL_CHECK_MS later.
        elapsedMs = performance.now() - started;
      } finally {
        // Ended on every path, stopped or failed too, so the watch never outlives its strategy.
        finished = true;
        await stallWatch;
      }

      const perSecond = Math.round(published / (elapsedMs / 1000));
      log(actor, ` Published ${published} messages ${how} in ${Math.round(elapsedMs)} ms: ${perSecond} msgs/s`);
      log(
        actor,
        ` ${tracker.confirmed} confirmed, ${tracker.nacked} nacked, in ${ackFrames} basic.ack frames (${multipleAcks} with multiple=true)`,
      );
      if (tracker.abandoned) {
        log(actor, ` [!] Gave up: no confirm for ${CONFIRM_STALL_MS / 1000} s with ${tracker.outstanding} messages outstanding`);
      }
      await snapshot();
      await channel.close();
      await connection.close();
    }
  },
});
