// Sets off RabbitMQ's memory alarm for a case and puts things back, as an
// operator would: `rabbitmqctl set_vm_memory_high_watermark absolute <bytes>`
// with a limit below what the node uses now, which blocks every publishing
// connection on the node, other tests' too, until the watermark it had is
// set again. So the cases that use it live in test/restart/ (run alone, last).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs rabbitmqctl quietly and returns what it printed. */
async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', ['-q', ...args], { timeout: 30_000 });
  return stdout.trim();
}

/** Runs an Erlang expression on the local node and returns what it printed. */
async function evaluate(expression: string): Promise<string> {
  return rabbitmqctl('eval', expression);
}

/** A watermark as the node reports it: a fraction (0.4) or {absolute,Bytes}, which can be handed back as it is. */
const WATERMARK = /^(\d+(\.\d+)?(e[+-]?\d+)?|\{absolute,(\d+|"[0-9A-Za-z.]+")\})$/;

/** Why rabbitmqctl cannot raise the alarm of the RabbitMQ at this URL, or null when it can. */
export async function rabbitmqctlProblem(amqpUrl: string): Promise<string | null> {
  const host = new URL(amqpUrl).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) return `rabbitmqctl only reaches the local node, and AMQP_URL names ${host}`;
  try {
    await evaluate('ok.');
    return null;
  } catch (error) {
    return `rabbitmqctl does not answer: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The node's memory figures: what it uses now (its RSS) and the limit its watermark works out to, in bytes. */
export async function rabbitMemory(): Promise<{ used: number; limit: number; alarmed: boolean }> {
  const answer = await evaluate(
    '{vm_memory_monitor:get_process_memory(), vm_memory_monitor:get_memory_limit(), ' +
      'lists:keymember({resource_limit, memory, node()}, 1, rabbit_alarm:get_alarms())}.',
  );
  const match = /^\{(\d+),(\d+),(true|false)\}$/.exec(answer);
  if (match === null) throw new Error(`cannot read RabbitMQ's memory figures; it said '${answer}'`);
  return { used: Number(match[1]), limit: Number(match[2]), alarmed: match[3] === 'true' };
}

/**
 * Sets the memory high watermark to `absoluteBytes` (rabbitmqctl
 * set_vm_memory_high_watermark absolute) and returns what puts back the
 * watermark read before; it may be called more than once. Refuses to start
 * when the watermark found is already below what the node uses (an
 * interrupted run left it so), naming the command that puts it back.
 */
export async function setRabbitMemoryWatermark(absoluteBytes: number): Promise<() => Promise<void>> {
  const original = await evaluate('vm_memory_monitor:get_vm_memory_high_watermark().');
  if (!WATERMARK.test(original))
    throw new Error(`cannot read RabbitMQ's memory high watermark to restore it afterwards; it said '${original}'`);
  const before = await rabbitMemory();
  if (before.alarmed) {
    throw new Error(
      `RabbitMQ's memory alarm is on already (watermark ${original}, ${before.used} bytes used, limit ${before.limit}); ` +
        'if an interrupted run left it so, put it back with rabbitmqctl set_vm_memory_high_watermark 0.4',
    );
  }
  let restored = false;
  const restore = async (): Promise<void> => {
    if (restored) return;
    restored = true;
    const answer = await evaluate(`vm_memory_monitor:set_vm_memory_high_watermark(${original}).`);
    if (answer !== 'ok') throw new Error(`restoring RabbitMQ's memory high watermark to ${original} answered '${answer}'`);
  };
  try {
    await rabbitmqctl('set_vm_memory_high_watermark', 'absolute', String(absoluteBytes));
  } catch (error) {
    await restore();
    throw error;
  }
  return restore;
}

/**
 * Sets the memory high watermark to half of what the node uses now and
 * waits until the node's alarm is on (by then every connection has been
 * told). Returns what restores the watermark read before.
 */
export async function raiseRabbitMemoryAlarm(): Promise<() => Promise<void>> {
  const { used } = await rabbitMemory();
  const restore = await setRabbitMemoryWatermark(Math.floor(used / 2));
  try {
    // The watermark is checked at once, but the alarm reaches rabbit_alarm (and the connections) a moment later.
    const alarmOn = await evaluate(
      'Alarmed = fun Wait(0) -> false; Wait(N) -> ' +
        'case lists:keymember({resource_limit, memory, node()}, 1, rabbit_alarm:get_alarms()) of ' +
        'true -> true; false -> timer:sleep(10), Wait(N - 1) end end, Alarmed(500).',
    );
    if (alarmOn !== 'true')
      throw new Error(`RabbitMQ's memory alarm did not go off with the watermark at half of the ${used} bytes it uses`);
  } catch (error) {
    await restore();
    throw error;
  }
  return restore;
}
