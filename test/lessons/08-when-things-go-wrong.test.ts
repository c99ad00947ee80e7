import { expect, it } from 'vitest';
import { cellsOf, describeOnBrokers, framesOf, linesOf, type CellRun } from './harness.js';
import { expectMemoryAlarmRun } from './memory-alarm-run.js';
import { present } from '../support/present.js';
import { CELL, expectConsumerTimeoutPoint } from './consumer-timeout-point.js';

import { anotherMachineUnavailable } from '../../server/programs/another-machine.js';

const LESSON = '08-when-things-go-wrong';

/** Why the cells that run a program on another machine cannot run here; they must under CI. */
const noAnotherMachine = anotherMachineUnavailable();
if (noAnotherMachine !== undefined) {
  if (process.env.CI === 'true') throw new Error(`the guest-remote cells must run under CI, but ${noAnotherMachine}`);
  console.warn(`[lessons] guest-remote cells skipped: ${noAnotherMachine}`);
}

/** What the broker tells a client whose login it refused, whatever the reason. */
const LOGIN_REFUSED = 'ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile.';

/** A run that ended by itself, as planned, with nothing reported as an error: what went wrong was meant to. */
function expectPlannedEnd(run: CellRun): void {
  expect(run.failure, run.failure?.explanation).toBeUndefined();
  expect(run.status).toBe('finished');
  expect(run.unclosedActors).toEqual([]);
}

/** What the runner wrote when an actor's process ended: "(exited with code 1)". */
function endOf(run: CellRun, actor: string): string | undefined {
  return run.events.flatMap((event) =>
    event.kind === 'log' && event.actor === actor && event.process?.what === 'ended' ? [event.text] : [],
  )[0];
}

/** The lines an actor printed on its standard error, or on its standard output. */
function printedOn(run: CellRun, actor: string, stream: 'stdout' | 'stderr'): string[] {
  return run.events.flatMap((event) =>
    event.kind === 'log' && event.actor === actor && event.process === undefined && (event.stream ?? 'stdout') === stream
      ? [event.text]
      : [],
  );
}

/** The vhost the run used, as the broker names it in its texts. */
function vhostOf(run: CellRun): string {
  const open = framesOf(run, 'connection.open')[0];
  return present(open).fields.virtualHost;
}

it('lesson 8 has the cells its tests cover', async () => {
  expect((await cellsOf(LESSON)).map((cell) => cell.id)).toEqual([
    'nothing-listening',
    'guest-remote',
    'guest-remote-own-user',
    'guest-remote-loopback-none',
    'config-trailing-comma',
    'config-conf-mistake',
    'config-corrected',
    'redeclare',
    'missing-exchange',
    'unroutable',
    'unroutable-mandatory',
    'consumer-timeout',
    'connection-per-message',
    'memory-alarm',
  ]);
});

describeOnBrokers(
  'lesson 8: When things go wrong',
  (runCell, _broker, language) => {
    it('nothing-listening: every attempt is refused with the client’s own error, and the producer gives up with code 1', async () => {
      const run = await runCell(LESSON, 'nothing-listening');
      expectPlannedEnd(run);
      const lines = printedOn(run, 'producer', 'stdout');
      const address = /cannot connect to (127\.0\.0\.1:\d+)$/.exec(lines[0] ?? '')?.[1];
      expect(address, lines.join('\n')).toBeDefined();
      expect(lines).toEqual([
        ` [!] Attempt 1 of 3: cannot connect to ${address}`,
        ` [!] Attempt 2 of 3: cannot connect to ${address}`,
        ` [!] Attempt 3 of 3: cannot connect to ${address}`,
        ` [!] Giving up: is the broker running, listening on ${address}, with no firewall in the way?`,
      ]);
      const refused =
        language === 'python'
          ? /^AMQPConnectionError: \(AMQPConnectorSocketConnectError: ConnectionRefusedError\(111, 'Connection refused'\),\)$/
          : new RegExp(`^Error: connect ECONNREFUSED ${address ?? ''}$`);
      expect(printedOn(run, 'producer', 'stderr')).toHaveLength(3);
      for (const line of printedOn(run, 'producer', 'stderr')) expect(line).toMatch(refused);
      expect(endOf(run, 'producer')).toBe('(exited with code 1)');
      // Nothing reached any broker: not one frame.
      expect(run.events.filter((event) => event.kind === 'frame')).toEqual([]);
    });

    it('nothing-listening with one attempt: refused once, given up at once', async () => {
      const run = await runCell(LESSON, 'nothing-listening', { attempts: 1 });
      expectPlannedEnd(run);
      expect(printedOn(run, 'producer', 'stdout')).toHaveLength(2);
      expect(printedOn(run, 'producer', 'stderr')).toHaveLength(1);
    });

    it.skipIf(noAnotherMachine !== undefined)(
      "guest-remote: guest from another machine is refused with 403, in the client's words, and the broker's log says why",
      async () => {
        const run = await runCell(LESSON, 'guest-remote');
        expectPlannedEnd(run);
        expect(printedOn(run, 'producer', 'stdout')).toEqual([" [!] The broker refused user 'guest': see the broker's log for why"]);
        expect(printedOn(run, 'producer', 'stderr')).toEqual([
          language === 'python'
            ? `ProbableAuthenticationError: Client was disconnected at a connection stage indicating a probable authentication error: ("ConnectionClosedByBroker: (403) '${LOGIN_REFUSED}'",)`
            : `Error: Handshake terminated by server: 403 (ACCESS-REFUSED) with message "${LOGIN_REFUSED}"`,
        ]);
        // RabbitMQ's two log lines: the connection, reached at a network address, and the reason.
        expect(linesOf(run, 'broker log')).toEqual([
          expect.stringMatching(
            /^\[error\] Error on AMQP connection \(10\.213\.\d+\.\d+:\d+ -> 10\.213\.\d+\.\d+:\d+, state: starting\):$/,
          ),
          "[error] PLAIN login refused: user 'guest' can only connect via localhost",
        ]);
        // The login went out, and the broker closed the connection instead of tuning it.
        expect(framesOf(run, 'connection.start-ok', 'producer')).toHaveLength(1);
        expect(framesOf(run, 'connection.tune')).toEqual([]);
        const close = framesOf(run, 'connection.close', 'producer').find((frame) => frame.direction === 'to-client');
        expect(close?.fields).toMatchObject({ replyCode: 403, replyText: LOGIN_REFUSED });
        expect(framesOf(run, 'basic.publish')).toEqual([]);
        expect(endOf(run, 'producer')).toBe('(exited with code 1)');
      },
    );

    for (const cell of ['guest-remote-own-user', 'guest-remote-loopback-none']) {
      it.skipIf(noAnotherMachine !== undefined)(`${cell}: the same program on the other machine logs in and sends`, async () => {
        const run = await runCell(LESSON, cell);
        expectPlannedEnd(run);
        expect(linesOf(run, 'producer')).toEqual([" [x] Sent 'Hello World!'"]);
        expect(linesOf(run, 'broker log')).toEqual([]);
        const startOk = present(framesOf(run, 'connection.start-ok', 'producer')[0]);
        // PLAIN's response is "\0user\0password": the user the program named.
        const user = cell === 'guest-remote-own-user' ? 'sender' : 'guest';
        expect(JSON.stringify(startOk.fields)).toContain(user);
        expect(framesOf(run, 'basic.publish', 'producer')).toHaveLength(1);
        expect(endOf(run, 'producer')).toBe('(exited with code 0)');
      });
    }

    for (const [change, why] of [
      ['durable', "inequivalent arg 'durable' for queue 'hello' in vhost '%v': received 'true' but current is 'false'"],
      [
        'x-message-ttl',
        "inequivalent arg 'x-message-ttl' for queue 'hello' in vhost '%v': received the value '60000' of type 'signedint' but current is none",
      ],
    ] as const) {
      it(`redeclare (${change}): 406 PRECONDITION_FAILED in RabbitMQ's words, the channel closed, and the way out on a new one`, async () => {
        const run = await runCell(LESSON, 'redeclare', { change });
        expectPlannedEnd(run);
        const text = `PRECONDITION_FAILED - ${why.replace('%v', vhostOf(run))}`;
        expect(linesOf(run, 'first program')).toEqual([" [x] Declared queue 'hello'", " [x] Sent 'Hello World!'"]);
        expect(linesOf(run, 'second program')).toEqual([
          ` [!] The broker closed the channel: 406 ${text}`,
          ' [!] Publishing again on that channel fails: it is closed',
          " [x] A passive declare finds queue 'hello': messages 1, consumers 0",
          " [x] Declared queue 'hello' as it was first declared",
        ]);
        const [close] = framesOf(run, 'channel.close', 'second program').filter((frame) => frame.direction === 'to-client');
        expect(close?.fields).toMatchObject({ replyCode: 406, replyText: text });
        // The publish on the closed channel never left the program; the passive declare went out on a new channel
        // (numbered 1 again: the closed one's number is free).
        expect(framesOf(run, 'basic.publish').map((frame) => frame.actor)).toEqual(['first program']);
        expect(framesOf(run, 'channel.open', 'second program')).toHaveLength(2);
        const declares = framesOf(run, 'queue.declare', 'second program');
        expect(declares.map((frame) => frame.fields.passive)).toEqual([false, true, false]);
        expect(endOf(run, 'second program')).toBe('(exited with code 0)');
      });
    }

    it('missing-exchange: the publish "succeeds", then the broker closes the channel with 404 NOT_FOUND', async () => {
      const run = await runCell(LESSON, 'missing-exchange');
      expectPlannedEnd(run);
      const text = `NOT_FOUND - no exchange 'orders' in vhost '${vhostOf(run)}'`;
      expect(linesOf(run, 'producer')).toEqual([
        " [x] Sent 'Hello World!' to exchange 'orders': no error so far",
        ` [!] The broker closed the channel: 404 ${text}`,
        ' [!] Publishing again on that channel fails: it is closed',
      ]);
      // The broker's answer came after the publish, as a close of the channel: basic.publish has no reply of its own.
      const publishAt = run.events.findIndex((event) => event.kind === 'frame' && event.method === 'basic.publish');
      const closeAt = run.events.findIndex(
        (event) => event.kind === 'frame' && event.method === 'channel.close' && event.direction === 'to-client',
      );
      expect(publishAt).toBeGreaterThanOrEqual(0);
      expect(closeAt).toBeGreaterThan(publishAt);
      expect(framesOf(run, 'channel.close').find((frame) => frame.direction === 'to-client')?.fields).toMatchObject({
        replyCode: 404,
        replyText: text,
      });
      expect(framesOf(run, 'basic.publish')).toHaveLength(1);
    });

    it('unroutable: without mandatory the message is dropped and the producer hears nothing', async () => {
      const run = await runCell(LESSON, 'unroutable');
      expectPlannedEnd(run);
      expect(linesOf(run, 'producer')).toEqual([" [x] Sent quick.orange.rabbit:'Hello World!'"]);
      expect(run.summary).toMatchObject({ published: 1, routed: {}, returned: 0, dropped: 1 });
      expect(run.events.find((event) => event.kind === 'broker')).toMatchObject({
        decision: 'unroutable',
        exchange: 'topic_logs',
        queues: [],
      });
      expect(framesOf(run, 'basic.return')).toEqual([]);
    });

    it('unroutable-mandatory: the broker returns the message with 312 NO_ROUTE and the producer prints it', async () => {
      const run = await runCell(LESSON, 'unroutable-mandatory');
      expectPlannedEnd(run);
      expect(linesOf(run, 'producer')).toEqual([
        " [x] Sent quick.orange.rabbit:'Hello World!'",
        ' [!] Returned quick.orange.rabbit: 312 NO_ROUTE',
      ]);
      expect(run.summary).toMatchObject({ published: 1, returned: 1 });
      expect(framesOf(run, 'basic.return')[0]?.fields).toMatchObject({ replyCode: 312, replyText: 'NO_ROUTE', exchange: 'topic_logs' });
    });

    it('connection-per-message: one handshake per message against one for all, each publisher reporting its time', async () => {
      const messages = 10;
      const run = await runCell(LESSON, 'connection-per-message', { messages });
      expectPlannedEnd(run);
      const each = 'connection per message';
      const one = 'one connection';
      expect(linesOf(run, each)).toEqual([
        expect.stringMatching(new RegExp(`^ Sent ${messages} messages on ${messages} connection\\(s\\) in \\d+ ms$`)),
      ]);
      expect(linesOf(run, one)).toEqual([
        expect.stringMatching(new RegExp(`^ Sent ${messages} messages on 1 connection\\(s\\) in \\d+ ms$`)),
      ]);
      // The handshakes, in the trace: a connection (start, tune, open) and a channel for every message, or once.
      for (const method of ['connection.start-ok', 'connection.open', 'channel.open', 'connection.close'] as const) {
        expect(framesOf(run, method, each), method).toHaveLength(messages);
        expect(framesOf(run, method, one), method).toHaveLength(1);
      }
      expect(framesOf(run, 'basic.publish', each)).toHaveLength(messages);
      expect(framesOf(run, 'basic.publish', one)).toHaveLength(messages);
      const frames = (actor: string) => run.events.filter((event) => event.kind === 'frame' && event.actor === actor).length;
      // Besides its own publishes, the one-connection publisher spends a handful of frames; the other a dozen per message.
      expect(frames(each) - messages).toBeGreaterThanOrEqual(10 * messages);
      expect(frames(one) - messages).toBeLessThan(20);
      expect(run.summary.published).toBe(2 * messages);
    });
  },
  undefined,
  ['javascript', 'python'],
);

// These cells change the broker's own settings for their run (consumer_timeout, the memory limit): on RabbitMQ that
// changes them for every client of the node, so test/restart/ runs those legs, alone.
describeOnBrokers(
  'lesson 8: the cells that set the broker for their run',
  (runCell, _broker, language) => {
    for (const [mistake, consumerTimeoutSeconds] of [
      ['forgotten-ack', 2],
      ['long-job', 2],
    ] as const) {
      it(`consumer-timeout, ${mistake}: the broker closes worker 1's channel with 406 after consumer_timeout, and worker 2 gets the task redelivered`, async () => {
        const params = { mistake, consumerTimeoutSeconds, longJobSeconds: 5 };
        expectConsumerTimeoutPoint(await runCell(LESSON, CELL, params), params, language);
      }, 60_000);
    }

    it('memory-alarm: the publisher is blocked with "low on memory", the consumer drains the queue, the publisher is unblocked and finishes', async () => {
      const run = await runCell(LESSON, 'memory-alarm');
      expectMemoryAlarmRun(run, { messages: 60, messageKiB: 256, memoryLimitMiB: 8 });
    });
  },
  undefined,
  ['javascript', 'python'],
  ['embedded'],
);

describeOnBrokers('lesson 8: a configuration file that stops the broker', (runCell) => {
  it('config-trailing-comma: the broker refuses to start, naming the file, the line and the comma, with exit code 2', async () => {
    const run = await runCell(LESSON, 'config-trailing-comma');
    expectPlannedEnd(run);
    expect(printedOn(run, 'broker process', 'stderr')).toEqual([
      'warren broker: Failed to load advanced configuration file "rabbitmq.config": rabbitmq.config:9: syntax error before: \']\'',
      "  a comma needs another element after it: remove the comma before ']'",
    ]);
    expect(printedOn(run, 'broker process', 'stdout')).toEqual([]);
    expect(endOf(run, 'broker process')).toBe('(exited with code 2)');
  });

  it("config-conf-mistake: a line without = stops it with cuttlefish's words", async () => {
    const run = await runCell(LESSON, 'config-conf-mistake');
    expectPlannedEnd(run);
    expect(printedOn(run, 'broker process', 'stderr')[0]).toBe(
      'warren broker: Syntax error in rabbitmq.conf after line 4 column 1, parsing incomplete',
    );
    expect(endOf(run, 'broker process')).toBe('(exited with code 2)');
  });

  for (const file of ['rabbitmq.config', 'rabbitmq.conf']) {
    it(`config-corrected (${file}): the broker starts and listens until it is stopped`, async () => {
      const run = await runCell(LESSON, 'config-corrected', { file });
      expectPlannedEnd(run);
      expect(printedOn(run, 'broker process', 'stderr')).toEqual([]);
      expect(printedOn(run, 'broker process', 'stdout').at(-1)).toMatch(/^Warren embedded broker listening on amqp:\/\/127\.0\.0\.1:\d+ /);
      expect(endOf(run, 'broker process')).toBe('(exited with code 0)');
    });
  }
});
