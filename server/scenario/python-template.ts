/**
 * Building blocks for the Python programs a code cell shows, the twins of
 * code-template.ts: pika's BlockingConnection as the official Python
 * tutorials use it. A value from the parameters only ever reaches a program
 * as a literal (python-literal.ts). The programs print exactly what their
 * JavaScript twins print, so a run reads the same in either language.
 */
import { wrapComment } from './code-template.js';
import type { Expression } from './code-literal.js';
import { programBrokerUrl } from './program-target.js';
import { indentPython, pythonLiteral } from './python-literal.js';
import type { PublishProperties } from './publish-properties.js';

export { expression } from './code-literal.js';
export { indentPython, pythonConstant, pythonLiteral } from './python-literal.js';

/** A part of a program that may be left out: false, null and undefined are dropped. */
export type Part = string | false | null | undefined;

/** Lines joined, the parts left out dropped. */
export function pyLines(...parts: Part[]): string {
  return parts.filter((part): part is string => typeof part === 'string').join('\n');
}

/** A whole program: its sections separated by blank lines, ending in a newline. */
export function pyProgram(...sections: Part[]): string {
  return `${sections.filter((section): section is string => typeof section === 'string' && section !== '').join('\n\n')}\n`;
}

/** A block: its opening line (ending in a colon) and its body indented. */
export function pyBlock(opening: string, body: string): string {
  return pyLines(opening, indentPython(body));
}

/** The file a program is saved as: the actor's name in lowercase words joined by underscores ('worker 1' -> worker_1.py). */
export function pythonFile(actor: string): string {
  const words = actor
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `${words === '' ? 'program' : words}.py`;
}

/** What a program is: which actor, which tutorial program it follows, and what it does. */
export interface PythonHeader {
  actor: string;
  /** What of the tutorial's it follows: 'worker.py', 'strategy 1 (publishing one at a time)'. */
  follows: string;
  /** One or two sentences: what it does in this cell. */
  does: string;
  /** Modules imported beside os and pika, e.g. ['time', 'uuid']. */
  imports?: string[];
  /** Where it connects, for a program that does not take AMQP_URL (one pointed where no broker is); default the workbook's broker. */
  connects?: string;
}

/** The opening of every program: what it is, how to run it, and its imports. */
export function pyHeader({ actor, follows, does, imports = [], connects }: PythonHeader): string {
  const about = pyLines(
    ...wrapComment(`${actor}: the tutorial's ${follows}, with this cell's parameters.`, '#'),
    ...wrapComment(does, '#'),
    ...wrapComment(
      `Run it with \`python3 ${pythonFile(actor)}\` (pika 1.x: apt-get install python3-pika, or pip install pika). ${connects ?? `It connects to ${programBrokerUrl()}; for another broker (a RabbitMQ elsewhere) set AMQP_URL, e.g. AMQP_URL=amqp://user:password@host:5672 python3 ${pythonFile(actor)}`}`,
      '#',
    ),
  );
  const modules = ['os', ...imports].sort();
  return `${about}\n\n${pyLines(...modules.map((module) => `import ${module}`))}\n\nimport pika`;
}

/** The broker's address as pika takes it: AMQP_URL when set, else the workbook's broker. */
export function pyBrokerParameters(): string {
  return `pika.URLParameters(os.environ.get('AMQP_URL', ${pythonLiteral(programBrokerUrl())}))`;
}

/** Opens the connection and one channel, as every tutorial program starts. */
export function pyConnect(): string {
  return pyLines(`connection = pika.BlockingConnection(${pyBrokerParameters()})`, 'channel = connection.channel()');
}

/**
 * Consumes until Ctrl-C, as the tutorials' receivers do, and then closes the
 * connection: the program's own clean exit. Prints `waiting` first: a text, or
 * an expression (an f-string naming the queue the broker made up).
 */
export function pyConsumeUntilInterrupted(waiting: string | Expression): string {
  return pyLines(
    `print(${pythonLiteral(waiting)})`,
    pyBlock('try:', 'channel.start_consuming()'),
    pyBlock('except KeyboardInterrupt:', 'connection.close()'),
  );
}

/** pika's names for the basic properties. */
const PROPERTY_NAMES: Readonly<Record<keyof PublishProperties, string>> = {
  deliveryMode: 'delivery_mode',
  contentType: 'content_type',
  contentEncoding: 'content_encoding',
  headers: 'headers',
  priority: 'priority',
  correlationId: 'correlation_id',
  replyTo: 'reply_to',
  expiration: 'expiration',
  messageId: 'message_id',
  timestamp: 'timestamp',
  type: 'type',
  userId: 'user_id',
  appId: 'app_id',
};

/**
 * `pika.BasicProperties(...)` for the properties that are set, or undefined
 * when none is. `extra` adds keyword arguments written as Python source
 * (`{ reply_to: 'callback_queue' }`), after the learner's.
 */
export function pyProperties(properties: PublishProperties, extra: Record<string, string> = {}): string | undefined {
  const given = (Object.entries(properties) as [keyof PublishProperties, unknown][])
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${PROPERTY_NAMES[name]}=${pythonLiteral(value)}`);
  const all = [...given, ...Object.entries(extra).map(([name, source]) => `${name}=${source}`)];
  if (all.length === 0) return undefined;
  const flat = `pika.BasicProperties(${all.join(', ')})`;
  return flat.length <= 70 ? flat : `pika.BasicProperties(\n${all.map((argument) => indentPython(`${argument},`)).join('\n')}\n)`;
}

/** Keyword arguments of a call, the parts left out dropped. */
export function pyArgs(...parts: Part[]): string {
  return parts.filter((part): part is string => typeof part === 'string').join(', ');
}
