/**
 * A cell's broker settings on a RabbitMQ on this machine: read with
 * `rabbitmqctl eval`, set for the run, and set back to exactly what they
 * were once it ends, however it ends. They are the node's own settings, so
 * two such runs never overlap: the second waits for the first to put things
 * back. RabbitMQ elsewhere, or a machine without rabbitmqctl, refuses the run.
 *
 * When RabbitMQ reads each (3.10): consumer_timeout when a channel opens;
 * channel_tick_interval each time a channel sets its next check; the memory
 * high watermark at once. Settings are made before the run's programs start.
 */
import type { BrokerSettingName, BrokerSettings } from '../protocol/broker-settings.js';
import { describeBrokerSettings, rabbitSettingName, settingsIn } from '../scenario/broker-settings.js';
import { BrokerSettingsRefusedError, RunStoppedError } from './errors.js';
import type { RabbitAddress } from './rabbitmq-space.js';
import { isThisMachine, rabbitmqctl, RabbitmqctlError } from './rabbitmqctl.js';
import { createTurns } from './turns.js';

/** How one setting is read, made and put back on the node, as Erlang expressions for `rabbitmqctl eval`. */
interface NodeSetting {
  /** Prints the value now, as a term `restore` takes back. */
  read: string;
  /** What `read` may print (spaces left out); anything else is not handed back to the node. */
  readable: RegExp;
  /** Makes the value; the expression's result is ignored, its failure is not. */
  set(value: number): string;
  restore(previous: string): string;
}

/** A setting of the rabbit application's environment, read where RabbitMQ reads it. */
function rabbitEnvironment(key: string): NodeSetting {
  return {
    read: `application:get_env(rabbit, ${key})`,
    readable: /^(\{ok,\d+\}|undefined)$/,
    set: (value) => `ok = application:set_env(rabbit, ${key}, ${String(value)})`,
    restore: (previous) =>
      `ok = (fun ({ok, Value}) -> application:set_env(rabbit, ${key}, Value); (undefined) -> application:unset_env(rabbit, ${key}) end)(${previous})`,
  };
}

/** The memory high watermark, made from `limit`: an Erlang expression of the bytes wanted. */
function memoryWatermark(limit: (value: number) => string): NodeSetting {
  return {
    read: 'vm_memory_monitor:get_vm_memory_high_watermark()',
    // A fraction (0.4) or {absolute, Bytes}, as rabbitmq.conf or set_vm_memory_high_watermark left it.
    readable: /^(\d+(\.\d+)?(e[+-]?\d+)?|\{absolute,(\d+|"[0-9A-Za-z.]+")\})$/,
    set: (value) => `ok = vm_memory_monitor:set_vm_memory_high_watermark({absolute, ${limit(value)}})`,
    restore: (previous) => `ok = vm_memory_monitor:set_vm_memory_high_watermark(${previous})`,
  };
}

const NODE_SETTINGS: Record<BrokerSettingName, NodeSetting> = {
  consumerTimeoutMs: rabbitEnvironment('consumer_timeout'),
  consumerTimeoutCheckMs: rabbitEnvironment('channel_tick_interval'),
  memoryLimitBytes: memoryWatermark((value) => String(value)),
  // The node's resident memory measured now, not the figure it last checked.
  memoryLimitAboveUseBytes: memoryWatermark((value) => `vm_memory_monitor:get_process_memory(current) + ${String(value)}`),
  memoryCheckIntervalMs: {
    read: 'vm_memory_monitor:get_check_interval()',
    readable: /^\d+$/,
    set: (value) => `ok = vm_memory_monitor:set_check_interval(${String(value)})`,
    restore: (previous) => `ok = vm_memory_monitor:set_check_interval(${previous})`,
  },
};

/** How long one rabbitmqctl eval may take. */
const EVAL_TIMEOUT_MS = 30_000;

/** Runs on the node one at a time, on this workbook. */
const settingRuns = createTurns();

/**
 * Makes `settings` on the RabbitMQ at `address` for one run, once no other run has settings made; resolves with
 * what puts back the values it found (call it when the run ends; later calls do nothing). Rejects with
 * BrokerSettingsRefusedError when it cannot, and with RunStoppedError if `signal` fires while it waits its turn,
 * having changed nothing either way.
 */
export async function makeRabbitSettings(
  address: RabbitAddress,
  settings: BrokerSettings,
  signal?: AbortSignal,
): Promise<() => Promise<void>> {
  const wanted = settingsIn(settings);
  if (!isThisMachine(address.host)) {
    throw new BrokerSettingsRefusedError(
      `This cell needs ${describeBrokerSettings(settings).join(', ')}, and RabbitMQ at ${address.host}:${String(address.port)} runs on another machine, where the workbook cannot change its settings. Run the cell on the embedded broker (unset AMQP_URL), or on a RabbitMQ on this machine.`,
    );
  }
  const endTurn = await settingRuns.take(signal);
  if (endTurn === undefined) throw new RunStoppedError();
  // rabbitmqctl takes a second or two to start: one call reads every setting, one makes them, one puts them back.
  let undo: string | undefined;
  const restore = async (): Promise<void> => {
    try {
      if (undo !== undefined) await evaluate(undo);
    } finally {
      endTurn();
    }
  };
  try {
    const previous = readTerms(await evaluate(`[${wanted.map(([name]) => NODE_SETTINGS[name].read).join(', ')}].`));
    const checked = wanted.map(([name], index) => {
      const term = previous[index] ?? '';
      if (!NODE_SETTINGS[name].readable.test(term)) {
        throw new BrokerSettingsRefusedError(
          `RabbitMQ's current ${rabbitSettingName(name)} cannot be read to put it back after the run; it said '${term}'.`,
        );
      }
      return NODE_SETTINGS[name].restore(term);
    });
    // Put back last made first, so a setting named twice ends as it was found.
    undo = `${checked.reverse().join(', ')}.`;
    await evaluate(`${wanted.map(([name, value]) => NODE_SETTINGS[name].set(value)).join(', ')}.`);
  } catch (error) {
    await restore().catch(() => {});
    throw error;
  }
  let restored: Promise<void> | undefined;
  return () => (restored ??= restore());
}

/** The terms of a list `rabbitmqctl eval` printed: "[{ok,1800000},0.4,undefined]" gives its three terms as text. */
function readTerms(printed: string): string[] {
  const inside = /^\[(.*)\]$/s.exec(printed.replace(/\s+/g, ''))?.[1] ?? '';
  return inside.match(/\{[^{}]*\}|[^,{}]+/g) ?? [];
}

/** Evaluates an Erlang expression on the node; rabbitmqctl's failures become reasons the settings cannot be made. */
async function evaluate(expression: string): Promise<string> {
  try {
    return await rabbitmqctl(['eval', expression], EVAL_TIMEOUT_MS);
  } catch (error) {
    if (!(error instanceof RabbitmqctlError)) throw error;
    throw new BrokerSettingsRefusedError(
      error.missing
        ? `${error.message}, and this cell needs it to change RabbitMQ's settings for the run. Run the cell on the embedded broker (unset AMQP_URL), or install RabbitMQ's tools here.`
        : error.message,
    );
  }
}
