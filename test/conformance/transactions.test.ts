// Transactions (tx.select/commit/rollback): publishes and acks take effect
// on commit only; rollback discards them.
import type { Channel } from 'amqplib';
import { expect, test } from 'vitest';
import { describeBothBrokers } from './brokers.js';
import { bodiesOf, failureOf, fillQueue, getOne } from './observe.js';

/** amqplib's generic RPC, which the tx methods need since amqplib has no tx API. */
interface RpcChannel {
  rpc(method: number, fields: Record<string, never>, expect: number): Promise<unknown>;
}

/** tx.select, tx.commit or tx.rollback; amqplib names methods by (class id << 16 | method id). */
function tx(channel: Channel, operation: 'select' | 'commit' | 'rollback'): Promise<unknown> {
  const methodIds = { select: 10, commit: 20, rollback: 30 };
  const method = (90 << 16) | methodIds[operation];
  return (channel as unknown as RpcChannel).rpc(method, {}, method + 1);
}

/** confirm.select, which amqplib only sends when it creates a confirm channel. */
function confirmSelect(channel: Channel): Promise<unknown> {
  const method = (85 << 16) | 10;
  return (channel as unknown as RpcChannel).rpc(method, {}, method + 1);
}

describeBothBrokers('transactions', (broker) => {
  test('publishes in a transaction are not queued until commit', async () => {
    const queue = await broker.queue('ledger');
    const publisher = await broker.channel();
    await tx(publisher, 'select');
    publisher.sendToQueue(queue, Buffer.from('m1'));
    publisher.sendToQueue(queue, Buffer.from('m2'));
    const observer = await broker.channel();
    expect((await observer.checkQueue(queue)).messageCount).toBe(0);
    await tx(publisher, 'commit');
    expect((await observer.checkQueue(queue)).messageCount).toBe(2);
  });

  test('rollback discards the publishes; the channel stays transactional', async () => {
    const queue = await broker.queue('ledger');
    const publisher = await broker.channel();
    await tx(publisher, 'select');
    publisher.sendToQueue(queue, Buffer.from('discarded'));
    await tx(publisher, 'rollback');
    publisher.sendToQueue(queue, Buffer.from('kept'));
    await tx(publisher, 'commit');
    const observer = await broker.channel();
    const message = await getOne(observer, queue, { noAck: true });
    expect(bodiesOf([message])).toEqual(['kept']);
    expect(message.fields.messageCount).toBe(0);
  });

  test('acks in a transaction count on commit; a rolled-back ack leaves the message unacked', async () => {
    const queue = await broker.queue('ledger');
    const filler = await broker.confirmChannel();
    await fillQueue(filler, queue, ['m1', 'm2']);

    const connection = await broker.connect();
    const consumer = await connection.createChannel();
    await tx(consumer, 'select');
    consumer.ack(await getOne(consumer, queue));
    await tx(consumer, 'commit');
    consumer.ack(await getOne(consumer, queue));
    await tx(consumer, 'rollback');
    // m2's ack was rolled back: it is still unacked, so closing returns it.
    expect((await filler.checkQueue(queue)).messageCount).toBe(0);
    await connection.close();
    const observer = await broker.channel();
    const back = await getOne(observer, queue, { noAck: true });
    expect([back.content.toString(), back.fields.redelivered, back.fields.messageCount]).toEqual(['m2', true, 0]);
  });

  test('commit or rollback without select is 406', async () => {
    const first = await broker.channel();
    expect(await failureOf(tx(first, 'commit'))).toEqual({ code: 406, classId: 90, methodId: 20 });
    const second = await broker.channel();
    expect(await failureOf(tx(second, 'rollback'))).toEqual({ code: 406, classId: 90, methodId: 30 });
  });

  test('a channel is either transactional or in confirm mode (406 for the other)', async () => {
    const transactional = await broker.channel();
    await tx(transactional, 'select');
    expect(await failureOf(confirmSelect(transactional))).toEqual({ code: 406, classId: 85, methodId: 10 });
    const confirming = await broker.confirmChannel();
    expect(await failureOf(tx(confirming, 'select'))).toEqual({ code: 406, classId: 90, methodId: 10 });
  });
});
