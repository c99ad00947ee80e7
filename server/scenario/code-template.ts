/**
 * Building blocks for the programs a code cell shows. Every scenario writes
 * its actors' programs from these, so all of them start, publish and end the
 * same way, and a value from the parameters only ever reaches a program as a
 * literal: whatever a learner types, it cannot change the code around it.
 */

import { indent, literal } from './code-literal.js';
import { programBrokerUrl } from './program-target.js';

export { Expression, constant, expression, indent, literal, optionalMember, publishOptions } from './code-literal.js';

/** A part of a program that may be left out: false, null and undefined are dropped. */
export type Part = string | false | null | undefined;

/** Lines joined, the parts left out dropped. */
export function lines(...parts: Part[]): string {
  return parts.filter((part): part is string => typeof part === 'string').join('\n');
}

/** A whole program: its sections separated by blank lines, ending in a newline. */
export function program(...sections: Part[]): string {
  return `${sections.filter((section): section is string => typeof section === 'string' && section !== '').join('\n\n')}\n`;
}

/** A block: its opening line, its body indented, and the closing line. */
export function block(opening: string, body: string, closing = '}'): string {
  return lines(opening, indent(body), closing);
}

/**
 * An if / else if / else chain: one arm per [condition, body]; a null
 * condition is the final else.
 */
export function branches(...arms: [condition: string | null, body: string][]): string {
  const written = arms.map(([condition, body], index) => {
    const opening = condition === null ? '} else {' : `${index === 0 ? '' : '} else '}if (${condition}) {`;
    return lines(opening, indent(body));
  });
  return lines(...written, '}');
}

/** Arguments of a call, the parts left out dropped: `args('queue', undefined)` is `queue`. */
export function args(...parts: Part[]): string {
  return parts.filter((part): part is string => typeof part === 'string').join(', ');
}

/** Where a program connects: AMQP_URL when set, else the workbook's broker. */
function connect(): string {
  return `const connection = await amqp.connect(process.env.AMQP_URL ?? ${literal(programBrokerUrl())});`;
}

/** What a program is: which actor, which tutorial program it follows, and what it does. */
export interface ProgramHeader {
  actor: string;
  /** What of the tutorial's it follows, after "the tutorial's": 'worker.js', 'strategy 1 (publishing one at a time)'. */
  follows: string;
  /** One or two sentences: what it does in this cell. */
  does: string;
  /** Named imports beside amqplib's default one, e.g. "import { randomUUID } from 'node:crypto';". */
  imports?: string[];
  /** Where it connects, for a program that does not take AMQP_URL (one pointed where no broker is); default the workbook's broker. */
  connects?: string;
}

/** The file a program is saved as: the actor's name in lowercase words joined by dashes ('worker 1' -> worker-1.mjs). */
export function programFile(actor: string): string {
  const words = actor
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${words === '' ? 'program' : words}.mjs`;
}

/** The opening of every program: what it is, how to run it, and its imports. */
export function header({ actor, follows, does, imports = [], connects }: ProgramHeader): string {
  const file = programFile(actor);
  const about = lines(
    ...wrapComment(`${actor}: the tutorial's ${follows}, with this cell's parameters.`),
    ...wrapComment(does),
    ...wrapComment(
      `Run it with \`node ${file}\` (after \`npm install amqplib\`). ${connects ?? `It connects to ${programBrokerUrl()}; for another broker (a RabbitMQ elsewhere) set AMQP_URL, e.g. AMQP_URL=amqp://user:password@host:5672 node ${file}`}`,
    ),
  );
  return `${about}\n\n${lines("import amqp from 'amqplib';", ...imports)}`;
}

/** Opens the connection and one channel (a confirm channel: `confirm.select` first), as every tutorial program starts. */
export function openChannel(kind: 'channel' | 'confirm channel' = 'channel'): string {
  return lines(connect(), `const channel = await connection.${kind === 'channel' ? 'createChannel' : 'createConfirmChannel'}();`);
}

/** Closing a publisher: the channel first, so every publish has gone out before the connection closes. */
export const CLOSE_PUBLISHER = lines(
  '// Closing the channel first makes sure every publish has gone out before the',
  '// connection closes.',
  'await channel.close();',
  'await connection.close();',
);

/**
 * Waiting for the broker's returns before closing: amqplib ignores anything
 * but close-ok on a closing channel, so a basic.return still on its way
 * would be lost. The broker answers a channel's methods in order, so once a
 * passive declare of `exchange` is answered, every return for the publishes
 * before it has arrived.
 */
export const AWAIT_RETURNS = lines(
  '// The broker answers in order: once this passive declare is answered, every',
  '// basic.return for the publishes above has arrived. (A closing channel would',
  '// ignore returns still on their way.)',
  'await channel.checkExchange(exchange);',
);

/** How long a consuming program waits for its first message before it leaves. */
export const FIRST_MESSAGE_MS = 10_000;

/** How long a consuming program waits after the last thing that happened before it leaves. */
export const QUIET_MS = 1000;

/**
 * What lets a consuming program end by itself: the tutorials' programs run
 * until CTRL+C, these leave once nothing has happened for a while. Defines
 * `waitForMore()` (call it after anything that happens; `clearTimeout(quietTimer)`
 * while busy) and `leave()`.
 */
export function leaveWhenQuiet(): string {
  return lines(
    "// The tutorial's program runs until you press CTRL+C. This one leaves by itself",
    `// once nothing has happened for ${seconds(QUIET_MS)} (${seconds(FIRST_MESSAGE_MS)} before the first message).`,
    `let quietTimer = setTimeout(leave, ${FIRST_MESSAGE_MS});`,
    block('function waitForMore() {', lines('clearTimeout(quietTimer);', `quietTimer = setTimeout(leave, ${QUIET_MS});`)),
    block('async function leave() {', lines('clearTimeout(quietTimer);', 'await connection.close();')),
  );
}

/**
 * What keeps a consuming program running until you press Ctrl-C, as the
 * tutorials' programs do; here Ctrl-C closes the connection first, so the
 * broker sees a clean goodbye and gives back what the program held.
 */
export const UNTIL_INTERRUPTED = lines(
  '// Runs until you press Ctrl-C, which closes the connection and ends the program.',
  block("process.once('SIGINT', async () => {", lines('await connection.close();', 'process.exit(0);'), '});'),
);

/** Milliseconds in words: '1 s', '1.5 s', '300 ms'. */
function seconds(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

/** `sleep(ms)`, for programs that pretend to work. */
export const SLEEP = 'const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));';

/** A statement done `times` times: once as it is, more often in a loop. */
export function repeat(times: number, body: string): string {
  return times === 1 ? body : block(`for (let i = 0; i < ${literal(times)}; i += 1) {`, body);
}

/** Comment lines of at most about 80 characters, each starting with `marker` ('//' in JavaScript, '#' in Python). */
export function wrapComment(text: string, marker = '//'): string[] {
  const wrapped: string[] = [];
  let line = marker;
  for (const word of text.split(/\s+/).filter((part) => part !== '')) {
    if (line.length + word.length + 1 > 80 && line !== marker) {
      wrapped.push(line);
      line = marker;
    }
    line += ` ${word}`;
  }
  if (line !== marker) wrapped.push(line);
  return wrapped;
}

/** How a program consumes one message at a time. */
export interface OneAtATime {
  /** The program's async function that handles one message, e.g. 'work'. */
  handler: string;
  noAck: boolean;
  /** Why one at a time, as a comment above the consumer. */
  comment: string;
  /** True when the program can stop by itself (a `stopped` flag): then it no longer waits for more. */
  canStop?: boolean;
}

/**
 * Consumes from `queue`, handling each message after the ones before it (a
 * worker busy with a task does not start the next), with the quiet timer of
 * leaveWhenQuiet() off while any message is in hand.
 */
export function consumeOneAtATime({ handler, noAck, comment, canStop = false }: OneAtATime): string {
  return lines(
    `// ${comment}`,
    'let backlog = Promise.resolve();',
    'let inHand = 0;',
    block(
      'await channel.consume(queue, (message) => {',
      lines(
        'inHand += 1;',
        'clearTimeout(quietTimer);',
        block(
          `backlog = backlog.then(() => ${handler}(message)).finally(() => {`,
          lines('inHand -= 1;', `if (inHand === 0${canStop ? ' && !stopped' : ''}) waitForMore();`),
          '});',
        ),
      ),
      `}, { noAck: ${String(noAck)} });`,
    ),
  );
}
