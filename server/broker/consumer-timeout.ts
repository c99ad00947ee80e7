/**
 * consumer_timeout, as RabbitMQ 3.10 enforces it (rabbit_channel): each
 * channel reads the timeout when it opens and, on every tick of its timer
 * (channel_tick_interval, once a minute by default), looks at its oldest
 * unacknowledged delivery, a consumer's or a basic.get's, as long as it
 * was taken with manual acknowledgement. If that delivery went out more
 * than the timeout ago, the channel is closed with 406 PRECONDITION_FAILED
 * and its unacknowledged messages go back to their queues. So a delivery
 * that times out is noticed up to one tick later. (RabbitMQ also restarts
 * a channel's ticks when its process wakes from hibernation; here they run
 * steadily from the channel's opening.)
 */
import type { ConsumerTimeout } from './broker.js';
import { AmqpError, ReplyCode } from './errors.js';
import type { Delivery } from './unacked.js';

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
    /** The channel's oldest unsettled delivery taken with manual acknowledgement. */
    private readonly oldest: () => Delivery | undefined,
    /** Closes the channel with the error. */
    private readonly timedOut: (error: AmqpError) => void,
  ) {
    this.arm();
  }

  /** Stops the ticks (the channel is closing). */
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
    const delivery = this.oldest();
    if (timeoutMs !== undefined && delivery !== undefined && delivery.deliveredAt < Date.now() - timeoutMs) {
      this.timedOut(consumerTimeoutError(this.channelNumber, timeoutMs));
      return;
    }
    this.arm();
  }
}
