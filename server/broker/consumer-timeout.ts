/**
 * consumer_timeout, as RabbitMQ 3.10 enforces it (rabbit_channel): each
 * channel reads the timeout when it opens and, on every tick of its timer
 * (channel_tick_interval, once a minute by default), looks at its oldest
 * unacknowledged delivery, a consumer's or a basic.get's, as long as it
 * was taken with manual acknowledgement. If that delivery went out more
 * than the timeout ago, the channel is closed with 406 PRECONDITION_FAILED
 * and its unacknowledged messages go back to their queues. So a delivery
 * that times out is noticed up to one tick later. The ticks go on until the
 * client answers with close-ok, and the channel still remembers the
 * deliveries it held: each tick meanwhile sends the same channel.close
 * again, as RabbitMQ does to a client that takes its time to answer.
 * (RabbitMQ also restarts a channel's ticks when its process wakes from
 * hibernation; here they run steadily from the channel's opening.)
 */
import type { ConsumerTimeout } from './broker.js';
import { AmqpError, ReplyCode } from './errors.js';

/** The close RabbitMQ sends for a delivery left unacknowledged too long, in its words. */
export function consumerTimeoutError(channelNumber: number, timeoutMs: number): AmqpError {
  return new AmqpError(
    ReplyCode.PRECONDITION_FAILED,
    `delivery acknowledgement on channel ${String(channelNumber)} timed out. Timeout value used: ${String(timeoutMs)} ms. This timeout value can be configured, see consumers doc guide to learn more`,
  );
}

/** One channel's ticks. */
export class ConsumerTimeoutCheck {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: ConsumerTimeout,
    private readonly channelNumber: number,
    /** When the channel's oldest unsettled delivery taken with manual acknowledgement went out, if it holds one. */
    private readonly oldest: () => number | undefined,
    /** Closes the channel with the error (again, while it is closing). */
    private readonly timedOut: (error: AmqpError) => void,
  ) {
    this.arm();
  }

  /** Stops the ticks (the channel is gone). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    // Without a timeout there is nothing to check.
    if (this.settings.timeoutMs === undefined) return;
    this.timer = setTimeout(() => this.tick(), this.settings.checkEveryMs);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    const timeoutMs = this.settings.timeoutMs;
    const deliveredAt = this.oldest();
    this.arm();
    if (timeoutMs !== undefined && deliveredAt !== undefined && deliveredAt < Date.now() - timeoutMs) {
      this.timedOut(consumerTimeoutError(this.channelNumber, timeoutMs));
    }
  }
}
