// The experiments from the seed notes (a learner's blog, worked with pika),
// replayed with amqplib: what they saw must be what both brokers show.
import type { ConfirmChannel } from 'amqplib';
import { expect, test } from 'vitest';
import { describeBothBrokers } from './brokers.js';
import { bodiesOf, consumeInto, drainBodies, eventually, fillQueue, numbered, publishConfirmed } from './observe.js';

/** Publishes and waits for the confirm, telling whether the broker returned it as unroutable. */
async function publishMandatory(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  body: string,
): Promise<'routed' | 'returned'> {
  let returned = false;
  const onReturn = () => {
    returned = true;
  };
  channel.once('return', onReturn);
  await publishConfirmed(channel, exchange, routingKey, body, { mandatory: true });
  channel.off('return', onReturn);
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by the return listener
  return returned ? 'returned' : 'routed';
}

describeBothBrokers('seed experiments', (broker) => {
  test('work queues without acks: seven tasks stay unacked, then move to the other worker, redelivered, none lost', async () => {
    const taskQueue = await broker.queue('task_queue', { durable: true });

    // Two workers with manual acks (no_ack=False) that never call basic_ack.
    const worker1Connection = await broker.connect();
    const w1 = await consumeInto(await worker1Connection.createChannel(), taskQueue);
    const worker2Connection = await broker.connect();
    const w2 = await consumeInto(await worker2Connection.createChannel(), taskQueue);

    const sender = await broker.confirmChannel();
    const tasks = numbered('task ', 7).map((name) => `${name}......`);
    await fillQueue(sender, taskQueue, tasks, { persistent: true });

    // Round robin: worker 1 holds tasks 1, 3, 5, 7 and worker 2 tasks 2, 4, 6, all unacknowledged.
    await eventually('all seven tasks are delivered', async () => w1.messages.length + w2.messages.length === 7);
    expect(bodiesOf(w1.messages)).toEqual([tasks[0], tasks[2], tasks[4], tasks[6]]);
    expect(bodiesOf(w2.messages)).toEqual([tasks[1], tasks[3], tasks[5]]);
    // What `rabbitmqctl list_queues name messages_ready` shows: nothing ready, two consumers.
    expect(await sender.checkQueue(taskQueue)).toEqual({ queue: taskQueue, messageCount: 0, consumerCount: 2 });

    // Stop worker 1: its four tasks move to worker 2, flagged redelivered.
    await worker1Connection.close();
    const all = await w2.atLeast(7);
    expect(all.slice(3).map((m) => [m.content.toString(), m.fields.redelivered])).toEqual([
      [tasks[0], true],
      [tasks[2], true],
      [tasks[4], true],
      [tasks[6], true],
    ]);
    expect(new Set(bodiesOf(all))).toEqual(new Set(tasks));
    expect(await sender.checkQueue(taskQueue)).toEqual({ queue: taskQueue, messageCount: 0, consumerCount: 1 });

    // Stop worker 2 as well: still none lost, all seven are ready again.
    await worker2Connection.close();
    await eventually('the tasks are ready again', async () => (await sender.checkQueue(taskQueue)).messageCount === 7);
    expect(await drainBodies(sender, taskQueue)).toEqual(tasks);
  });

  test('publish/subscribe: a fanout publish with no queue bound is lost', async () => {
    const logs = await broker.exchange('logs', 'fanout');
    const emitter = await broker.confirmChannel();
    // The emitter runs first: nobody is bound, so the message goes nowhere.
    expect(await publishMandatory(emitter, logs, '', 'info: Hello World!')).toBe('returned');

    // A receiver starts afterwards: exclusive server-named queue bound to logs.
    const receiver = await broker.channel();
    const { queue } = await receiver.assertQueue('', { exclusive: true });
    await receiver.bindQueue(queue, logs, '');
    expect(await drainBodies(receiver, queue)).toEqual([]);

    expect(await publishMandatory(emitter, logs, '', 'info: second message')).toBe('routed');
    expect(await drainBodies(receiver, queue)).toEqual(['info: second message']);
  });

  test("the Topics tutorial's routing table", async () => {
    const topicLogs = await broker.exchange('topic_logs', 'topic');
    const q1 = await broker.queue('Q1');
    const q2 = await broker.queue('Q2');
    const channel = await broker.confirmChannel();
    await channel.bindQueue(q1, topicLogs, '*.orange.*');
    await channel.bindQueue(q2, topicLogs, '*.*.rabbit');
    await channel.bindQueue(q2, topicLogs, 'lazy.#');

    const table: [string, string[]][] = [
      ['quick.orange.rabbit', ['Q1', 'Q2']],
      ['lazy.orange.elephant', ['Q1', 'Q2']],
      ['quick.orange.fox', ['Q1']],
      ['lazy.brown.fox', ['Q2']],
      ['lazy.pink.rabbit', ['Q2']],
      ['quick.brown.fox', []],
      ['orange', []],
      ['quick.orange.male.rabbit', []],
      ['lazy.orange.male.rabbit', ['Q2']],
    ];
    for (const [routingKey] of table) await publishConfirmed(channel, topicLogs, routingKey, routingKey);
    const q1Got = await drainBodies(channel, q1);
    const q2Got = await drainBodies(channel, q2);
    const observed = table.map(([routingKey]): [string, string[]] => [
      routingKey,
      [...q1Got.filter((b) => b === routingKey).map(() => 'Q1'), ...q2Got.filter((b) => b === routingKey).map(() => 'Q2')],
    ]);
    // lazy.pink.rabbit matches both of Q2's bindings and still arrives once.
    expect(observed).toEqual(table);
  });

  test('RPC with an exclusive callback queue and correlation ids', async () => {
    const rpcQueue = await broker.queue('rpc_queue');
    const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));

    const server = await (await broker.connect()).createChannel();
    await server.prefetch(1);
    await server.consume(rpcQueue, (request) => {
      if (request === null) return;
      const response = fib(Number(request.content.toString()));
      server.sendToQueue(request.properties.replyTo as string, Buffer.from(String(response)), {
        correlationId: request.properties.correlationId as string,
      });
      server.ack(request);
    });

    const client = await (await broker.connect()).createChannel();
    const { queue: callbackQueue } = await client.assertQueue('', { exclusive: true });
    const responses = await consumeInto(client, callbackQueue, { noAck: true });
    client.sendToQueue(rpcQueue, Buffer.from('30'), { replyTo: callbackQueue, correlationId: 'fib-30' });
    client.sendToQueue(rpcQueue, Buffer.from('10'), { replyTo: callbackQueue, correlationId: 'fib-10' });
    const [first, second] = await responses.atLeast(2, 5000);
    expect([first, second].map((m) => [m?.properties.correlationId as unknown, m?.content.toString()])).toEqual([
      ['fib-30', '832040'],
      ['fib-10', '55'],
    ]);
  });
});
