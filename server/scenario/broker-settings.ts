/**
 * The broker settings a cell declares (see BrokerSettings): the bounds each
 * may take, as RabbitMQ accepts them, and what setting them means in words
 * the trace shows ("consumer_timeout set to 5 s for this run").
 */
import { formatBytes } from '../broker/memory-limit.js';
import type { BrokerSettingName, BrokerSettings } from '../protocol/broker-settings.js';

/** Each setting: RabbitMQ's name for it, the values allowed, and its value in words. */
interface SettingRule {
  rabbitName: string;
  min: number;
  max: number;
  /** What is allowed, completing "must be ...". */
  allowed: string;
  shown: (value: number) => string;
}

/** Largest timer Erlang's send_after takes, in milliseconds. */
const ERLANG_TIMER_MAX_MS = 4_294_967_295;

const RULES: Record<BrokerSettingName, SettingRule> = {
  consumerTimeoutMs: {
    rabbitName: 'consumer_timeout',
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    allowed: 'a whole number of milliseconds, 1 or more (RabbitMQ accepts no zero or negative timeout)',
    shown: duration,
  },
  consumerTimeoutCheckMs: {
    rabbitName: 'channel_tick_interval',
    // RabbitMQ takes any timer; below 100 ms every channel on the node would do little but check.
    min: 100,
    max: ERLANG_TIMER_MAX_MS,
    allowed: `a whole number of milliseconds from 100 to ${ERLANG_TIMER_MAX_MS.toLocaleString('en')}`,
    shown: duration,
  },
  memoryLimitBytes: {
    rabbitName: 'vm_memory_high_watermark',
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    allowed: 'a whole number of bytes, 0 or more (0 blocks every publisher)',
    shown: (bytes) => `${formatBytes(bytes)} (absolute)`,
  },
  memoryLimitAboveUseBytes: {
    rabbitName: 'vm_memory_high_watermark',
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    allowed: 'a whole number of bytes, 0 or more',
    shown: (bytes) => `${formatBytes(bytes)} above what the broker used as the run started`,
  },
  memoryCheckIntervalMs: {
    rabbitName: 'memory_monitor_interval',
    // Each check reads the process's memory from the system: below 100 ms the node would do little else.
    min: 100,
    max: ERLANG_TIMER_MAX_MS,
    allowed: `a whole number of milliseconds from 100 to ${ERLANG_TIMER_MAX_MS.toLocaleString('en')}`,
    shown: duration,
  },
};

/** The settings `settings` names, in a fixed order, with their values. */
export function settingsIn(settings: BrokerSettings): [BrokerSettingName, number][] {
  return (Object.keys(RULES) as BrokerSettingName[]).flatMap((name) => {
    const value = settings[name];
    return value === undefined ? [] : [[name, value] as [BrokerSettingName, number]];
  });
}

/** What is wrong with `settings`: unknown names and values out of bounds, each naming what is allowed; empty when none. */
export function brokerSettingsProblems(settings: BrokerSettings): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(settings)) {
    if (!Object.hasOwn(RULES, name)) {
      problems.push(`'${name}' is not a broker setting; the settings are ${Object.keys(RULES).join(', ')}`);
    }
  }
  for (const [name, value] of settingsIn(settings)) {
    const rule = RULES[name];
    if (!Number.isInteger(value) || value < rule.min || value > rule.max) {
      problems.push(`${name} (${rule.rabbitName}) is ${String(value)}; it must be ${rule.allowed}`);
    }
  }
  if (settings.memoryLimitBytes !== undefined && settings.memoryLimitAboveUseBytes !== undefined) {
    problems.push('memoryLimitBytes and memoryLimitAboveUseBytes both set vm_memory_high_watermark: give one of them');
  }
  return problems;
}

/** RabbitMQ's name of a setting ('consumer_timeout'). */
export function rabbitSettingName(name: BrokerSettingName): string {
  return RULES[name].rabbitName;
}

/** One line per setting, as the trace tells the learner: "consumer_timeout set to 5 s for this run". */
export function describeBrokerSettings(settings: BrokerSettings): string[] {
  return settingsIn(settings).map(([name, value]) => `${RULES[name].rabbitName} set to ${RULES[name].shown(value)} for this run`);
}

/** Milliseconds in words: "500 ms", "5 s", "1.5 s", "30 min". */
export function duration(ms: number): string {
  if (ms < 1000) return `${String(ms)} ms`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${String(ms / 60_000)} min`;
  return `${String(Number((ms / 1000).toFixed(3)))} s`;
}
