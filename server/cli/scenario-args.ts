/** The command line of `npm run scenario`: which cell, which parameters, which broker, which output. */
import { ownProperty } from '../lessons/own-property.js';
import { isPlainObject } from '../lessons/params.js';
import type { ProgramLanguage } from '../programs/actor-process.js';
import type { ActorRequest } from '../protocol/index.js';

/** Usage, printed with --help and after a usage mistake. */
export const USAGE = `Usage: npm run scenario -- <lesson>[/<cell>] [--set name=value ...] [--language javascript|python]
                     [--at <when>=<action>:<actor> ...] [--broker embedded|<amqp-url>] [--json]

  <lesson>        a lesson's folder name (02-work-queues), number (02) or slug (work-queues)
  <cell>          a cell of that lesson; the first one when left out
  --set a=b       a parameter for this run; nested ones with dots (properties.deliveryMode=2);
                  values starting with { [ or " are read as JSON
  --language      the language of the programs: javascript (the default) or python (needs python3 with pika)
  --at w=a:actor  acts on a program while the cell runs, as a person would: <when> is a named moment
                  of the cell (tasks-dealt-out: right as it is marked) or #<n> (once the trace reaches
                  event n); <action> is kill (SIGKILL), stop (Ctrl-C) or another (start one more, or
                  send one more); e.g. --at 'tasks-dealt-out=kill:worker 1' or --at '#57=stop:consumer'
  --broker        'embedded' (an in-process broker on a free port) or an AMQP URL;
                  AMQP_URL, or the embedded broker, when left out
  --json          every trace event as a JSON line, then {"summary": {...}}
  --lessons dir   read the lessons from another folder`;

/** A command line that cannot be used; the message says what was wrong. */
export class UsageError extends Error {}

/** What the command line asked for. */
export interface ScenarioArgs {
  /** The lesson, as typed. */
  lesson: string;
  /** The cell, when given after a slash. */
  cell: string | undefined;
  /** --set values, nested by their dotted names. */
  params: Record<string, unknown>;
  /** --language, when given. */
  language: ProgramLanguage | undefined;
  /** --at actions, in the order given. */
  at: ScriptedAction[];
  /** --broker, when given. */
  broker: string | undefined;
  json: boolean;
  lessonsDir: string | undefined;
}

/** One --at: what to do to which actor, and when. */
export interface ScriptedAction {
  /** A named moment of the cell, or a trace event number. */
  when: { moment: string } | { event: number };
  action: ActorRequest['action'];
  actor: string;
}

const ACTIONS: readonly ActorRequest['action'][] = ['kill', 'stop', 'another'];

/** Reads one --at value: <when>=<action>:<actor>. */
function readAt(text: string): ScriptedAction {
  const shape = `--at takes <when>=<action>:<actor>, such as 'tasks-dealt-out=kill:worker 1' or '#57=stop:consumer'; got ${JSON.stringify(text)}`;
  const equals = text.indexOf('=');
  const colon = text.indexOf(':', equals);
  if (equals <= 0 || colon < 0) throw new UsageError(shape);
  const when = text.slice(0, equals).trim();
  const action = text.slice(equals + 1, colon).trim();
  const actor = text.slice(colon + 1).trim();
  if (actor === '') throw new UsageError(`${shape}: name the actor after the colon`);
  if (!(ACTIONS as readonly string[]).includes(action)) {
    throw new UsageError(`--at: the action ${JSON.stringify(action)} is not one of ${ACTIONS.join(', ')}`);
  }
  const event = /^#(\d{1,9})$/.exec(when);
  if (event !== null) return { when: { event: Number(event[1]) }, action: action as ActorRequest['action'], actor };
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(when)) {
    throw new UsageError(`--at: ${JSON.stringify(when)} is neither a moment's id (like tasks-dealt-out) nor an event number (like #57)`);
  }
  return { when: { moment: when }, action: action as ActorRequest['action'], actor };
}

/** Reads argv (without node and the script); undefined when --help was asked for. */
export function parseScenarioArgs(argv: string[]): ScenarioArgs | undefined {
  const positional: string[] = [];
  const params: Record<string, unknown> = {};
  let broker: string | undefined;
  let json = false;
  let lessonsDir: string | undefined;
  let language: ProgramLanguage | undefined;
  const at: ScriptedAction[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      index += 1;
      const next = argv[index];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--help':
      case '-h':
        return undefined;
      case '--json':
        json = true;
        break;
      case '--set':
        setParam(params, value());
        break;
      case '--broker':
        broker = value();
        break;
      case '--language': {
        const chosen = value();
        if (chosen !== 'javascript' && chosen !== 'python') {
          throw new UsageError(`--language takes javascript or python, got ${JSON.stringify(chosen)}`);
        }
        language = chosen;
        break;
      }
      case '--at':
        at.push(readAt(value()));
        break;
      case '--lessons':
        lessonsDir = value();
        break;
      default:
        if (arg.startsWith('-'))
          throw new UsageError(`unknown option ${arg}; the options are --set, --language, --at, --broker, --json, --lessons, --help`);
        positional.push(arg);
    }
  }
  if (positional.length !== 1) {
    throw new UsageError(positional.length === 0 ? 'name a lesson to run' : `one lesson at a time, got ${positional.join(' ')}`);
  }
  const [lesson = '', cell] = (positional[0] ?? '').split('/', 2);
  return { lesson, cell: cell === '' ? undefined : cell, params, language, at, broker, json, lessonsDir };
}

/** Puts `name=value` into `params`, creating nested objects for dotted names. */
function setParam(params: Record<string, unknown>, assignment: string): void {
  const equals = assignment.indexOf('=');
  if (equals <= 0) throw new UsageError(`--set takes name=value, got ${JSON.stringify(assignment)}`);
  const path = assignment.slice(0, equals).split('.');
  if (path.some((part) => part === ''))
    throw new UsageError(`--set: ${JSON.stringify(assignment.slice(0, equals))} is not a parameter name`);
  let target = params;
  for (const part of path.slice(0, -1)) {
    const inner = ownProperty(target, part);
    if (isPlainObject(inner)) {
      target = inner;
    } else {
      const nested: Record<string, unknown> = {};
      setOwn(target, part, nested);
      target = nested;
    }
  }
  setOwn(target, path[path.length - 1] ?? '', readValue(assignment.slice(0, equals), assignment.slice(equals + 1)));
}

/**
 * Sets a name on the object itself: a name like '__proto__' or 'constructor'
 * stays a name, for the parameter check to refuse, and never reaches what
 * every object inherits.
 */
function setOwn(target: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

/** Text as typed, except JSON objects, lists and quoted strings; numbers and booleans are converted by the parameter check. */
function readValue(name: string, text: string): unknown {
  if (!/^\s*[[{"]/.test(text)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(
      `--set ${name}: ${JSON.stringify(text)} is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}
