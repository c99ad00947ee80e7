/**
 * Settings a cell needs the broker to have while it runs: RabbitMQ's own
 * settings, named after them. On the embedded broker the run gets a broker
 * of its own started with them; on a RabbitMQ on this machine they are set
 * with rabbitmqctl for the run and put back afterwards. Shared by the server
 * and the browser; types and one pure helper only.
 */

/** What one run needs of the broker; a field left out keeps the broker's own value. */
export interface BrokerSettings {
  /**
   * RabbitMQ's `consumer_timeout`, in milliseconds: how long a delivery on a
   * channel in manual-acknowledgement mode may stay unacknowledged before the
   * broker closes that channel with 406 PRECONDITION_FAILED and puts its
   * unacknowledged messages back in their queues. A channel reads it when it
   * opens. RabbitMQ's default is 1,800,000 (30 minutes).
   */
  consumerTimeoutMs?: number;
  /**
   * RabbitMQ's `channel_tick_interval`, in milliseconds: how often each
   * channel looks at its oldest unacknowledged delivery against
   * consumer_timeout, so a timed-out delivery is noticed up to this much
   * later. RabbitMQ's default is 60,000 (once a minute), settable only in
   * advanced.config.
   */
  consumerTimeoutCheckMs?: number;
  /**
   * RabbitMQ's `vm_memory_high_watermark` as an absolute number of bytes:
   * above it the memory alarm goes off and publishing connections are
   * blocked (connection.blocked).
   */
  memoryLimitBytes?: number;
  /**
   * RabbitMQ's `vm_memory_high_watermark` set this many bytes above the
   * memory the broker uses as the run starts (on RabbitMQ the Erlang VM's
   * resident memory, which no cell can know in advance; on the run's own
   * embedded broker, which holds nothing yet, the limit is this). Give it or
   * memoryLimitBytes, not both.
   */
  memoryLimitAboveUseBytes?: number;
  /**
   * RabbitMQ's `memory_monitor_interval`, in milliseconds: how often the
   * broker measures its memory against the limit, so the alarm goes off up
   * to this much after the limit is passed. RabbitMQ's default is 2,500.
   * The embedded broker measures every 100 ms and every 64 KiB received,
   * whatever this says.
   */
  memoryCheckIntervalMs?: number;
}

/** The name of one broker setting. */
export type BrokerSettingName = keyof BrokerSettings;

/** Whether `settings` changes anything on the broker. */
export function changesBrokerSettings(settings: BrokerSettings): boolean {
  return Object.values(settings).some((value) => value !== undefined);
}
