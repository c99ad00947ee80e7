// Sets off RabbitMQ's memory alarm for a case and puts things back: the
// memory high watermark is set to 0 (as `rabbitmqctl
// set_vm_memory_high_watermark 0` does), which blocks every publishing
// connection on the node, other tests' too, until the watermark it had is
// set again. Cases keep that window as short as they can.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs an Erlang expression on the local node and returns what it printed. */
async function evaluate(expression: string): Promise<string> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'eval', expression], { timeout: 30_000 });
  return stdout.trim();
}

/** A watermark as the node reports it: a fraction (0.4) or {absolute, Bytes}, which can be handed back as it is. */
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

/**
 * Sets the memory high watermark to 0 and waits until the node's alarm is
 * on (by then every connection has been told). Returns what restores the
 * watermark read before; it may be called more than once.
 */
export async function raiseRabbitMemoryAlarm(): Promise<() => Promise<void>> {
  const original = await evaluate('vm_memory_monitor:get_vm_memory_high_watermark().');
  if (!WATERMARK.test(original))
    throw new Error(`cannot read RabbitMQ's memory high watermark to restore it afterwards; it said '${original}'`);
  if (Number(original) === 0) {
    throw new Error(
      "RabbitMQ's memory high watermark is 0 already (an interrupted run?): set it back with rabbitmqctl set_vm_memory_high_watermark 0.4",
    );
  }
  let restored = false;
  const restore = async (): Promise<void> => {
    if (restored) return;
    restored = true;
    const answer = await evaluate(`vm_memory_monitor:set_vm_memory_high_watermark(${original}).`);
    if (answer !== 'ok') throw new Error(`restoring RabbitMQ's memory high watermark to ${original} answered '${answer}'`);
  };
  const alarmOn = await evaluate(
    'ok = vm_memory_monitor:set_vm_memory_high_watermark(0.0), ' +
      'Alarmed = fun Wait(0) -> false; Wait(N) -> ' +
      'case lists:keymember({resource_limit, memory, node()}, 1, rabbit_alarm:get_alarms()) of ' +
      'true -> true; false -> timer:sleep(10), Wait(N - 1) end end, Alarmed(500).',
  ).catch(async (error: unknown) => {
    await restore();
    throw error;
  });
  if (alarmOn !== 'true') {
    await restore();
    throw new Error(`RabbitMQ's memory alarm did not go off with the watermark at 0 (it said '${alarmOn}')`);
  }
  return restore;
}
