// Users and permissions, checked where RabbitMQ checks them: connection.open
// needs some permission in the vhost; each method needs configure, write or
// read on the queue or exchange it names, matched as a regular expression
// found anywhere in the name ('' allows nothing, the default exchange is
// amq.default). Each case makes its own vhost and user (no tags: AMQP does
// not look at tags) and deletes them after.
import type { Channel, ChannelModel } from 'amqplib';
import { expect, test } from 'vitest';
import type { Patterns } from './access-admin.js';
import { describeBothBrokers, type BrokerUnderTest } from './brokers.js';
import { within } from './observe.js';

/** How the broker refused: the reply code, the offending method and the reply text. */
interface Refusal {
  code: number;
  classId: number;
  methodId: number;
  text: string;
}

async function refusalOf(operation: Promise<unknown>): Promise<Refusal> {
  try {
    await within(3000, 'the broker to refuse', operation);
  } catch (error) {
    const fields = error as { code?: number; classId?: number; methodId?: number; message: string };
    const text = /with message "(.*)"$/s.exec(fields.message)?.[1];
    if (text === undefined) throw error;
    return { code: fields.code ?? 0, classId: fields.classId ?? 0, methodId: fields.methodId ?? 0, text };
  }
  throw new Error('expected the broker to refuse, but it went ahead');
}

/** A channel whose close the case reads from the refused operation, so its 'error' event is expected. */
async function channelOn(connection: ChannelModel): Promise<Channel> {
  const channel = await connection.createChannel();
  channel.on('error', () => {});
  return channel;
}

const NOTHING: Patterns = { configure: '', write: '', read: '' };

describeBothBrokers('permissions', (broker: BrokerUnderTest) => {
  /** A vhost of the case's own, and a user with these permissions in it, connected; guest set up `setup` first. */
  async function userIn(patterns: Patterns, setup?: (guest: Channel, vhost: string) => Promise<void>) {
    const vhost = await broker.vhostOfItsOwn();
    const guest = await broker.connect({ vhost });
    if (setup) await setup(await guest.createChannel(), vhost);
    const user = await broker.userOfItsOwn([{ vhost, ...patterns }]);
    const connection = await broker.connect({ ...user, vhost });
    return { vhost, username: user.username, connection, guest };
  }

  const refused = (kind: 'queue' | 'exchange', name: string, vhost: string, user: string) =>
    `ACCESS_REFUSED - access to ${kind} '${name}' in vhost '${vhost}' refused for user '${user}'`;

  test('a user without permissions in a vhost cannot open it; with any, even all empty, it can', async () => {
    const vhost = await broker.vhostOfItsOwn();
    const stranger = await broker.userOfItsOwn([]);
    const client = await broker.raw();
    expect(await client.handshake({ ...stranger, vhost })).toMatchObject({
      code: 530,
      classId: 10,
      methodId: 40,
      replyText: `NOT_ALLOWED - access to vhost '${vhost}' refused for user '${stranger.username}'`,
    });

    const member = await broker.userOfItsOwn([{ vhost, ...NOTHING }]);
    const connection = await broker.connect({ ...member, vhost });
    const channel = await channelOn(connection);
    expect(await refusalOf(channel.assertQueue('anything'))).toEqual({
      code: 403,
      classId: 50,
      methodId: 10,
      text: refused('queue', 'anything', vhost, member.username),
    });
  });

  test('queue.declare needs configure on the queue; a passive declare needs nothing; the channel closes, the connection lives', async () => {
    const { vhost, username, connection } = await userIn({ configure: '^mine-', write: '', read: '' }, async (guest) => {
      await guest.assertQueue('theirs');
    });
    const channel = await channelOn(connection);
    expect(await refusalOf(channel.assertQueue('theirs'))).toMatchObject({ code: 403, text: refused('queue', 'theirs', vhost, username) });
    const next = await channelOn(connection);
    expect((await next.checkQueue('theirs')).queue).toBe('theirs');
    expect((await next.assertQueue('mine-1', { exclusive: true })).queue).toBe('mine-1');
  });

  test('a pattern is found anywhere in the name unless anchored', async () => {
    const { connection } = await userIn({ configure: 'job', write: '', read: '' });
    const channel = await channelOn(connection);
    expect((await channel.assertQueue('night-jobs-1', { exclusive: true })).queue).toBe('night-jobs-1');
  });

  test('a server-named queue is checked under the name the broker gives it', async () => {
    const { vhost, username, connection } = await userIn({ configure: '^mine-', write: '', read: '' });
    const refusal = await refusalOf((await channelOn(connection)).assertQueue('', { exclusive: true }));
    expect(refusal.text).toMatch(
      new RegExp(`^ACCESS_REFUSED - access to queue 'amq\\.gen-[\\w-]{22}' in vhost '${vhost}' refused for user '${username}'$`),
    );
  });

  test('publishing to the default exchange needs write on amq.default', async () => {
    const { vhost, username, connection } = await userIn({ configure: '', write: '^$', read: '' }, async (guest) => {
      await guest.assertQueue('inbox');
    });
    const channel = await channelOn(connection);
    const closed = refusalOf(new Promise((_, reject) => channel.once('error', reject)));
    channel.sendToQueue('inbox', Buffer.from('hello'));
    expect(await closed).toEqual({ code: 403, classId: 60, methodId: 40, text: refused('exchange', 'amq.default', vhost, username) });
  });

  test('basic.consume, basic.get and queue.purge need read on the queue; queue.delete needs configure', async () => {
    const { vhost, username, connection } = await userIn({ configure: '', write: '', read: '^readable$' }, async (guest) => {
      await guest.assertQueue('readable');
      await guest.assertQueue('secret');
    });
    const opened = (): Promise<Channel> => channelOn(connection);
    expect(await refusalOf((await opened()).consume('secret', () => {}))).toMatchObject({
      classId: 60,
      methodId: 20,
      text: refused('queue', 'secret', vhost, username),
    });
    expect(await refusalOf((await opened()).get('secret'))).toMatchObject({
      classId: 60,
      methodId: 70,
      text: refused('queue', 'secret', vhost, username),
    });
    expect(await refusalOf((await opened()).purgeQueue('secret'))).toMatchObject({
      classId: 50,
      methodId: 30,
      text: refused('queue', 'secret', vhost, username),
    });
    expect(await (await opened()).get('readable')).toBe(false);
    expect((await (await opened()).purgeQueue('readable')).messageCount).toBe(0);
    expect(await refusalOf((await opened()).deleteQueue('readable'))).toMatchObject({
      classId: 50,
      methodId: 40,
      text: refused('queue', 'readable', vhost, username),
    });
  });

  test('queue.bind needs write on the queue, then read on the exchange', async () => {
    const { vhost, username, connection } = await userIn({ configure: '', write: '^q$', read: '^x$' }, async (guest) => {
      await guest.assertQueue('q');
      await guest.assertQueue('other');
      await guest.assertExchange('x', 'direct');
      await guest.assertExchange('y', 'direct');
    });
    const opened = (): Promise<Channel> => channelOn(connection);
    expect(await refusalOf((await opened()).bindQueue('other', 'y', 'k'))).toMatchObject({
      classId: 50,
      methodId: 20,
      text: refused('queue', 'other', vhost, username),
    });
    expect(await refusalOf((await opened()).bindQueue('q', 'y', 'k'))).toMatchObject({ text: refused('exchange', 'y', vhost, username) });
    await (await opened()).bindQueue('q', 'x', 'k');
    expect(await refusalOf((await opened()).unbindQueue('q', 'y', 'k'))).toMatchObject({
      classId: 50,
      methodId: 50,
      text: refused('exchange', 'y', vhost, username),
    });
  });

  test('exchange.declare and exchange.delete need configure; a passive declare needs nothing; exchange.bind needs write on the destination and read on the source', async () => {
    const { vhost, username, connection } = await userIn({ configure: '^own$', write: '^own$', read: '^theirs$' }, async (guest) => {
      await guest.assertExchange('theirs', 'fanout');
    });
    const opened = (): Promise<Channel> => channelOn(connection);
    expect(await refusalOf((await opened()).assertExchange('theirs', 'fanout'))).toMatchObject({
      classId: 40,
      methodId: 10,
      text: refused('exchange', 'theirs', vhost, username),
    });
    await (await opened()).checkExchange('theirs');
    expect(await refusalOf((await opened()).deleteExchange('theirs'))).toMatchObject({
      classId: 40,
      methodId: 20,
      text: refused('exchange', 'theirs', vhost, username),
    });
    const channel = await opened();
    await channel.assertExchange('own', 'fanout', { autoDelete: false });
    await channel.bindExchange('own', 'theirs', '');
    expect(await refusalOf(channel.bindExchange('theirs', 'own', ''))).toMatchObject({
      classId: 40,
      methodId: 30,
      text: refused('exchange', 'theirs', vhost, username),
    });
    await (await opened()).deleteExchange('own');
  });

  test('a dead-letter exchange needs read on the new queue and write on the exchange', async () => {
    const { vhost, username, connection } = await userIn({ configure: '.*', write: '', read: '.*' });
    const refusal = await refusalOf(
      (await channelOn(connection)).assertQueue('with-dlx', { exclusive: true, deadLetterExchange: 'graveyard' }),
    );
    expect(refusal.text).toBe(refused('exchange', 'graveyard', vhost, username));
  });

  test('an alternate exchange needs read on the new exchange and write on the alternate', async () => {
    const { vhost, username, connection } = await userIn({ configure: '.*', write: '^$', read: '.*' });
    const refusal = await refusalOf((await channelOn(connection)).assertExchange('with-ae', 'direct', { alternateExchange: 'fallback' }));
    expect(refusal).toEqual({ code: 403, classId: 40, methodId: 10, text: refused('exchange', 'fallback', vhost, username) });
  });

  test('permissions changed while connected apply to the next method', async () => {
    const vhost = await broker.vhostOfItsOwn();
    const user = await broker.userOfItsOwn([{ vhost, ...NOTHING }]);
    const connection: ChannelModel = await broker.connect({ ...user, vhost });
    expect(await refusalOf((await channelOn(connection)).assertQueue('later', { exclusive: true }))).toMatchObject({ code: 403 });
    await broker.setPermissions(user.username, vhost, { configure: '.*', write: '.*', read: '.*' });
    expect((await (await channelOn(connection)).assertQueue('later', { exclusive: true })).queue).toBe('later');
  });
});
