/**
 * What each cell's programs must print, as the lessons promise it: every
 * cell with its defaults, and a few cells with parameters a learner would
 * edit. Keyed by "lesson/cell".
 */
import { expect } from 'vitest';
import { AWKWARD_TEXT } from './breakouts.js';
import type { CellOutput } from './output.js';
import { present } from '../support/present.js';

/** A cell to run, with the learner's edits (none: the cell's defaults), and what its programs must print. */
export interface CodeCase {
  lesson: string;
  cell: string;
  params?: Record<string, unknown>;
  check(output: CellOutput): void;
}

const received = (text: string): string => ` [x] Received '${text}'`;
const sent = (text: string): string => ` [x] Sent '${text}'`;

/** The lines after " [x] " a receiver printed, in order. */
const receivedBy = (output: CellOutput, actor: string): string[] => output.starting(actor, ' [x] ');

const fib = {
  0: '0',
  1: '1',
  10: '55',
  20: '6765',
  30: '832040',
  40: '102334155',
  50: '12586269025',
  60: '1548008755920',
  90: '2880067194370816120',
};
const got = (n: keyof typeof fib): string => ` [.] Got ${fib[n]}`;

const helloWorld: CodeCase[] = [
  {
    lesson: '01-hello-world',
    cell: 'hello',
    check(output) {
      expect(output.of('producer')).toEqual([sent('Hello World!')]);
      expect(output.of('consumer')).toEqual([' [*] Waiting for messages in hello. To exit press CTRL+C', received('Hello World!')]);
    },
  },
  {
    lesson: '01-hello-world',
    cell: 'producer-first',
    check(output) {
      expect(output.count('producer', sent('Hello World!'))).toBe(3);
      expect(output.count('consumer', received('Hello World!'))).toBe(3);
    },
  },
  {
    lesson: '01-hello-world',
    cell: 'hello',
    params: {
      message: AWKWARD_TEXT,
      count: 2,
      properties: {
        contentType: 'text/plain',
        contentEncoding: 'utf-8',
        headers: { 'x-lesson': 'hello', attempt: 1, "it's": true },
        priority: 3,
        correlationId: 'c-1',
        replyTo: 'nobody',
        expiration: '60000',
        messageId: 'm-1',
        timestamp: 1700000000,
        type: 'greeting',
        userId: 'guest',
        appId: 'warren',
      },
    },
    check(output) {
      expect(output.count('producer', sent(AWKWARD_TEXT))).toBe(2);
      expect(output.count('consumer', received(AWKWARD_TEXT))).toBe(2);
    },
  },
];

const TUTORIAL_TASKS = ['First message.', 'Second message..', 'Third message...', 'Fourth message....', 'Fifth message.....'];
const TASK_7 = Array.from({ length: 7 }, (_, i) => `Task ${i + 1}......`);
const DONE = ' [x] Done';

const workQueues: CodeCase[] = [
  {
    lesson: '02-work-queues',
    cell: 'round-robin',
    check(output) {
      const [first, second, third, fourth, fifth] = TUTORIAL_TASKS.map(received);
      expect(output.starting('worker 1', ' [x] Received')).toEqual([first, third, fifth]);
      expect(output.starting('worker 2', ' [x] Received')).toEqual([second, fourth]);
      expect([output.count('worker 1', DONE), output.count('worker 2', DONE)]).toEqual([3, 2]);
    },
  },
  {
    lesson: '02-work-queues',
    cell: 'seven-tasks',
    check(output) {
      expect(output.of('worker 1').slice(1)).toEqual([
        received(present(TASK_7[0])),
        ` [!] Stopped halfway through '${present(TASK_7[0])}': its connection is closed`,
      ]);
      expect(output.count('worker 2', DONE)).toBe(7);
      expect(output.starting('worker 2', ' [x] Received').filter((line) => line.endsWith(' (redelivered)'))).toHaveLength(4);
    },
  },
  {
    lesson: '02-work-queues',
    cell: 'seven-tasks',
    params: { stopAfter: 2 },
    check(output) {
      expect(output.count('worker 1', DONE)).toBe(1);
      expect(output.count('worker 2', DONE)).toBe(6);
      expect(output.starting('worker 2', ' [x] Received').filter((line) => line.endsWith(' (redelivered)'))).toEqual(
        [TASK_7[2], TASK_7[4], TASK_7[6]].map((task) => `${received(present(task))} (redelivered)`),
      );
    },
  },
  {
    lesson: '02-work-queues',
    cell: 'auto-ack-loses-tasks',
    check(output) {
      expect(output.count('worker 1', DONE)).toBe(0);
      expect(output.count('worker 2', DONE)).toBe(3);
      expect(output.results.flatMap((result) => result.lines).some((line) => line.endsWith('(redelivered)'))).toBe(false);
    },
  },
  {
    lesson: '02-work-queues',
    cell: 'forgotten-ack',
    check(output) {
      // Every task is done once; a worker that leaves first hands its unacknowledged
      // tasks back, and a worker still running does them again (marked redelivered).
      const firstDeliveries = output.results
        .flatMap((result) => result.lines)
        .filter((line) => line.startsWith(' [x] Received') && !line.endsWith('(redelivered)'));
      expect(firstDeliveries.sort()).toEqual(TUTORIAL_TASKS.map(received).sort());
      expect(output.count(undefined, DONE)).toBeGreaterThanOrEqual(5);
    },
  },
  {
    lesson: '02-work-queues',
    cell: 'forgotten-ack',
    params: { prefetch: 1 },
    check(output) {
      expect([output.count('worker 1', DONE), output.count('worker 2', DONE)]).toEqual([1, 1]);
    },
  },
  {
    lesson: '02-work-queues',
    cell: 'durable-tasks',
    check(output) {
      expect(output.count(undefined, DONE)).toBe(5);
    },
  },
  {
    lesson: '02-work-queues',
    cell: 'fair-dispatch',
    check(output) {
      expect(output.count(undefined, DONE)).toBe(8);
      expect(output.count('worker 2', DONE)).toBeGreaterThan(output.count('worker 1', DONE));
    },
  },
];

const HELLO_LOG = 'info: Hello World!';

const publishSubscribe: CodeCase[] = [
  {
    lesson: '03-publish-subscribe',
    cell: 'receivers-first',
    check(output) {
      for (const actor of ['receiver 1', 'receiver 2']) expect(receivedBy(output, actor)).toEqual([received(HELLO_LOG)]);
    },
  },
  {
    lesson: '03-publish-subscribe',
    cell: 'publish-first',
    check(output) {
      expect(output.of('producer')).toEqual([sent(HELLO_LOG)]);
      for (const actor of ['receiver 1', 'receiver 2']) expect(receivedBy(output, actor)).toEqual([]);
    },
  },
  {
    lesson: '03-publish-subscribe',
    cell: 'receivers-first',
    params: { receivers: 3, messages: ['info: one', 'warning: two'], properties: { deliveryMode: 2, appId: 'logger' } },
    check(output) {
      for (const actor of ['receiver 1', 'receiver 2', 'receiver 3']) {
        expect(receivedBy(output, actor)).toEqual([received('info: one'), received('warning: two')]);
      }
    },
  },
];

const severity = (key: string, text: string): string => ` [x] ${key}: '${text}'`;

const routing: CodeCase[] = [
  {
    lesson: '04-routing',
    cell: 'severities',
    check(output) {
      expect(receivedBy(output, 'receiver 1')).toEqual([severity('error', 'Run. Run. Or it will explode.')]);
      expect(receivedBy(output, 'receiver 2')).toEqual([
        severity('info', 'Hello World!'),
        severity('warning', 'Disk almost full'),
        severity('error', 'Run. Run. Or it will explode.'),
      ]);
    },
  },
  {
    lesson: '04-routing',
    cell: 'colours',
    check(output) {
      expect(receivedBy(output, 'receiver 1')).toEqual([severity('orange', 'an orange message')]);
      expect(receivedBy(output, 'receiver 2')).toEqual([severity('black', 'a black message'), severity('green', 'a green message')]);
    },
  },
  {
    lesson: '04-routing',
    cell: 'same-key-twice',
    check(output) {
      expect(receivedBy(output, 'receiver 1')).toEqual([severity('orange', 'an orange message'), severity('black', 'a black message')]);
      expect(receivedBy(output, 'receiver 2')).toEqual([severity('black', 'a black message'), severity('green', 'a green message')]);
    },
  },
  {
    lesson: '04-routing',
    cell: 'severities',
    params: { bindings: [['error', 'error'], ['info']] },
    check(output) {
      expect(receivedBy(output, 'receiver 1')).toEqual([severity('error', 'Run. Run. Or it will explode.')]);
      expect(receivedBy(output, 'receiver 2')).toEqual([severity('info', 'Hello World!')]);
    },
  },
];

const topic = (key: string): string => ` [x] ${key}:'Hello World!'`;
const returned = (key: string): string => ` [!] Returned ${key}: 312 NO_ROUTE`;

const topics: CodeCase[] = [
  {
    lesson: '05-topics',
    cell: 'animals',
    check(output) {
      expect(receivedBy(output, 'receiver 1')).toEqual(['quick.orange.rabbit', 'lazy.orange.elephant', 'quick.orange.fox'].map(topic));
      expect(receivedBy(output, 'receiver 2')).toEqual(
        ['quick.orange.rabbit', 'lazy.orange.elephant', 'lazy.brown.fox', 'lazy.pink.rabbit', 'lazy.orange.male.rabbit'].map(topic),
      );
      expect(output.starting('producer', ' [!]')).toEqual(['quick.brown.fox', 'quick.orange.male.rabbit'].map(returned));
    },
  },
  {
    lesson: '05-topics',
    cell: 'fanout-and-direct',
    check(output) {
      expect(receivedBy(output, 'receiver 1')).toHaveLength(8);
      expect(receivedBy(output, 'receiver 2')).toEqual([topic('quick.orange.rabbit')]);
      expect(output.starting('producer', ' [!]')).toEqual([]);
    },
  },
  {
    lesson: '05-topics',
    cell: 'animals',
    params: { mandatory: false, routingKeys: ['lazy', 'lazy..rabbit', 'orange', 'quick.orange.new.rabbit', '.orange.'] },
    check(output) {
      expect(receivedBy(output, 'receiver 1')).toEqual([topic('.orange.')]);
      expect(receivedBy(output, 'receiver 2')).toEqual(['lazy', 'lazy..rabbit'].map(topic));
      expect(output.starting('producer', ' [!]')).toEqual([]);
    },
  },
];

const rpc: CodeCase[] = [
  {
    lesson: '06-rpc',
    cell: 'fib-30',
    check(output) {
      expect(output.of('rpc client')).toEqual([' [x] Requesting fib(30)', got(30)]);
      expect(output.of('rpc server 1')).toEqual([' [x] Awaiting RPC requests', ' [.] fib(30)']);
    },
  },
  {
    lesson: '06-rpc',
    cell: 'fib-30',
    params: { replyQueue: 'direct-reply-to', requests: [0, 1, 10, 90] },
    check(output) {
      expect(output.starting('rpc client', ' [.] Got').sort()).toEqual([got(0), got(1), got(10), got(90)].sort());
    },
  },
  {
    lesson: '06-rpc',
    cell: 'direct-reply-to',
    check(output) {
      expect(output.starting('rpc client', ' [.] Got').sort()).toEqual([got(10), got(20), got(30)].sort());
    },
  },
  {
    lesson: '06-rpc',
    cell: 'two-servers',
    check(output) {
      expect(output.starting('rpc client', ' [.] Got').sort()).toEqual([got(10), got(20), got(30), got(40), got(50), got(60)].sort());
      const served = ['rpc server 1', 'rpc server 2'].map((actor) => output.starting(actor, ' [.] fib(').length);
      expect(present(served[0]) + present(served[1])).toBe(6);
      expect(Math.min(...served)).toBeGreaterThan(0);
    },
  },
  {
    lesson: '06-rpc',
    cell: 'no-server',
    check(output) {
      expect(output.of('rpc client')).toEqual([
        ' [x] Requesting fib(30)',
        ' [!] fib(30): no reply within 1000 ms. Is any RPC server running?',
      ]);
    },
  },
  {
    lesson: '06-rpc',
    cell: 'no-server',
    params: { mandatory: true },
    check(output) {
      expect(output.of('rpc client')).toEqual([
        ' [x] Requesting fib(30)',
        ' [!] fib(30) came back: 312 NO_ROUTE (no queue rpc_queue: no server has started)',
      ]);
    },
  },
  {
    lesson: '06-rpc',
    cell: 'forwarded-error',
    check(output) {
      const refusal = 'fib(5000) refused: n must be at most 1000';
      expect(output.of('rpc client')).toContain(got(30));
      expect(output.of('rpc client')).toContain(` [!] fib(5000) failed on the server: ${refusal}`);
      expect(output.of('rpc server 1')).toEqual([' [x] Awaiting RPC requests', ' [.] fib(30)', ` [!] ${refusal}`]);
    },
  },
];

/** Checks a publisher's two summary lines; returns its basic.ack frame count. */
function confirmedAll(output: CellOutput, actor: string, how: string, messages: number): number {
  const [published, confirms] = output.of(actor);
  expect(published).toMatch(new RegExp(`^ Published ${messages} messages ${how} in \\d+ ms: \\d+ msgs/s$`));
  const counted = / (\d+) confirmed, 0 nacked, in (\d+) basic\.ack frames \((\d+) with multiple=true\)$/.exec(confirms ?? '');
  expect(counted, confirms).not.toBeNull();
  expect(Number(present(counted)[1])).toBe(messages);
  return Number(present(counted)[2]);
}

const publisherConfirms: CodeCase[] = [
  {
    lesson: '07-publisher-confirms',
    cell: 'individual',
    check(output) {
      expect(confirmedAll(output, 'individual publisher', 'individually', 500)).toBe(500);
    },
  },
  {
    lesson: '07-publisher-confirms',
    cell: 'batches',
    check(output) {
      expect(confirmedAll(output, 'batch publisher', 'in batches', 500)).toBeGreaterThan(0);
    },
  },
  {
    lesson: '07-publisher-confirms',
    cell: 'async',
    check(output) {
      expect(confirmedAll(output, 'async publisher', 'handling confirms asynchronously', 500)).toBeGreaterThan(0);
    },
  },
  {
    lesson: '07-publisher-confirms',
    cell: 'compare',
    check(output) {
      expect(confirmedAll(output, 'individual publisher', 'individually', 1000)).toBe(1000);
      confirmedAll(output, 'batch publisher', 'in batches', 1000);
      confirmedAll(output, 'async publisher', 'handling confirms asynchronously', 1000);
    },
  },
  {
    lesson: '07-publisher-confirms',
    cell: 'compare',
    params: { strategies: ['async', 'batch', 'individual'], messages: 200, batchSize: 50, properties: { deliveryMode: 2 } },
    check(output) {
      expect(output.results.map((result) => result.actor)).toEqual(['async publisher', 'batch publisher', 'individual publisher']);
      expect(confirmedAll(output, 'individual publisher', 'individually', 200)).toBe(200);
    },
  },
];

/** Every case, lesson by lesson. */
export const CODE_CASES: CodeCase[] = [
  ...helloWorld,
  ...workQueues,
  ...publishSubscribe,
  ...routing,
  ...topics,
  ...rpc,
  ...publisherConfirms,
];
