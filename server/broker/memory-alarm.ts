/**
 * The memory alarm, after RabbitMQ's vm_memory_high_watermark: when the
 * memory the broker holds goes above the limit the alarm is set, and every
 * connection that publishes is blocked (see connection.ts) until it falls
 * back to the limit or below.
 *
 * RabbitMQ measures its whole process (RSS). This broker often runs inside
 * the workbook's process, whose memory also holds traces, the web server
 * and garbage the collector has not reached yet; an alarm on that figure
 * could go off for reasons no publisher caused, and stay on after a
 * consumer has emptied every queue. So the broker counts what it holds
 * itself: each ready, unacknowledged or uncommitted message (its content
 * plus a fixed cost for the objects that keep it), publishes still being
 * received, and the bytes waiting to be sent to or read from each client.
 * A message routed to several queues counts once in each (their copies
 * share the bytes, so this errs towards blocking early).
 * That figure rises and falls exactly with what the broker keeps, so the
 * alarm clears as soon as a consumer drains the queue.
 */
import { MemoryLimitError, formatBytes } from './memory-limit.js';

/** How full the broker is, as rabbitmqctl status would say it. */
export interface MemoryUse {
  /** Bytes the broker holds now. */
  used: number;
  /** The memory limit (high watermark) in bytes. */
  limit: number;
  /** Whether the alarm is set: publishing connections are blocked. */
  alarmed: boolean;
}

/** Bytes received from clients between two checks while they keep sending (a flood overshoots the limit by about this). */
const CHECK_EVERY_BYTES = 64 * 1024;
/** Checks also run on a timer, for what changes without client input (a socket drained, messages expired). */
const CHECK_INTERVAL_MS = 100;

/** Watches the broker's memory against its limit. */
export class MemoryAlarm {
  private alarmedNow = false;
  private receivedSinceCheck = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private limitBytes: number,
    /** Adds up the bytes the broker holds. */
    private readonly measure: () => number,
    /** Called when the alarm is set or cleared. */
    private readonly changed: (use: MemoryUse) => void,
  ) {
    assertLimit(limitBytes);
    this.timer = setInterval(() => this.check(), CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  /** Whether the alarm is set. */
  get alarmed(): boolean {
    return this.alarmedNow;
  }

  /** The limit in bytes. */
  get limit(): number {
    return this.limitBytes;
  }

  /** Changes the limit and checks at once, as rabbitmqctl set_vm_memory_high_watermark does. */
  setLimit(bytes: number): MemoryUse {
    assertLimit(bytes);
    this.limitBytes = bytes;
    return this.check();
  }

  /** Counts bytes a client sent; checks when enough have arrived since the last check. */
  received(bytes: number): void {
    this.receivedSinceCheck += bytes;
    if (this.receivedSinceCheck >= CHECK_EVERY_BYTES) this.check();
  }

  /** Measures now, and sets or clears the alarm. */
  check(): MemoryUse {
    this.receivedSinceCheck = 0;
    const used = this.measure();
    const alarmed = used > this.limitBytes;
    const use = { used, limit: this.limitBytes, alarmed };
    if (alarmed !== this.alarmedNow) {
      this.alarmedNow = alarmed;
      this.changed(use);
    }
    return use;
  }

  /** Stops the timer (the broker is stopping). */
  stop(): void {
    clearInterval(this.timer);
  }
}

function assertLimit(bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes < 0)
    throw new MemoryLimitError(`a memory limit in bytes is a whole number, 0 or more, such as 67108864; got ${bytes}`);
}

/** The alarm in words for a log, like RabbitMQ's "vm_memory_high_watermark set. Memory used: ... allowed: ...". */
export function describeMemoryAlarm(use: MemoryUse): string {
  const figures = `${formatBytes(use.used)} held, limit ${formatBytes(use.limit)}`;
  return use.alarmed
    ? `memory alarm set: ${figures}; connections that publish are blocked until it clears`
    : `memory alarm cleared: ${figures}; blocked connections go on`;
}
