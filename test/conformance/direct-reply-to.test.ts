// Direct reply-to: RPC replies through the pseudo-queue amq.rabbitmq.reply-to,
// without declaring a callback queue.
import type { ConsumeMessage, Message } from 'amqplib';
import { expect, test } from 'vitest';
import { describeBothBrokers } from './brokers.js';
import { consumeInto, failureOf, within } from './observe.js';
import { present } from '../support/present.js';

const REPLY_TO = 'amq.rabbitmq.reply-to';

describeBothBrokers('direct reply-to', (broker) => {
  test('an RPC round trip: the server sees a generated reply-to and its reply reaches the client', async () => {
    const rpcQueue = await broker.queue('rpc_queue');

    const server = await (await broker.connect()).createChannel();
    const requests: ConsumeMessage[] = [];
    await server.consume(rpcQueue, (request) => {
      if (request === null) return;
      requests.push(request);
      const n = Number(request.content.toString());
      server.sendToQueue(request.properties.replyTo as string, Buffer.from(String(n * n)), {
        correlationId: request.properties.correlationId as string,
      });
      server.ack(request);
    });

    const client = await (await broker.connect()).createChannel();
    const replies = await consumeInto(client, REPLY_TO, { noAck: true });
    client.sendToQueue(rpcQueue, Buffer.from('7'), { replyTo: REPLY_TO, correlationId: 'call-1' });
    client.sendToQueue(rpcQueue, Buffer.from('9'), { replyTo: REPLY_TO, correlationId: 'call-2' });

    const [first, second] = await replies.atLeast(2);
    expect([first, second].map((m) => [m?.content.toString(), m?.properties.correlationId as unknown])).toEqual([
      ['49', 'call-1'],
      ['81', 'call-2'],
    ]);
    const replyTo = present(requests[0]).properties.replyTo as string;
    expect(replyTo.startsWith(`${REPLY_TO}.`)).toBe(true);
    expect(requests[1]?.properties.replyTo).toBe(replyTo);
    expect(first?.fields).toMatchObject({ exchange: '', routingKey: replyTo, consumerTag: replies.consumerTag, redelivered: false });
  });

  test('the reply consumer must be no-ack (406)', async () => {
    const channel = await broker.channel();
    expect(await failureOf(channel.consume(REPLY_TO, () => {}, { noAck: false }))).toEqual({ code: 406, classId: 60, methodId: 20 });
  });

  test('publishing with reply-to before consuming from it is 406', async () => {
    const rpcQueue = await broker.queue('rpc_queue');
    const channel = await broker.channel();
    channel.sendToQueue(rpcQueue, Buffer.from('orphan'), { replyTo: REPLY_TO });
    expect(await failureOf(channel.checkQueue(rpcQueue))).toEqual({ code: 406, classId: 60, methodId: 40 });
  });

  test('a reply to a client that has gone is unroutable: returned 312 when mandatory', async () => {
    const rpcQueue = await broker.queue('rpc_queue');
    const clientConnection = await broker.connect();
    const client = await clientConnection.createChannel();
    await consumeInto(client, REPLY_TO, { noAck: true });
    client.sendToQueue(rpcQueue, Buffer.from('question'), { replyTo: REPLY_TO });

    const server = await broker.confirmChannel();
    const [request] = await (await consumeInto(server, rpcQueue, { noAck: true })).atLeast(1);
    await clientConnection.close();
    const returned = new Promise<Message>((resolve) => server.on('return', resolve));
    server.sendToQueue(present(request).properties.replyTo as string, Buffer.from('answer'), { mandatory: true });
    await server.waitForConfirms();
    expect((await within(1000, 'the return', returned)).fields).toMatchObject({ replyCode: 312, replyText: 'NO_ROUTE' });
  });
});
