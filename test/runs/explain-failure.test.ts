import { createServer } from 'node:net';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker } from '../../server/broker/index.js';
import { explainFailure, RunLimitError, type FailureContext } from '../../server/runs/index.js';
import { ManagementApiError, managementApiFor } from '../../server/runs/management-api.js';

const context: FailureContext = { broker: 'rabbitmq', address: '127.0.0.1:5672', user: 'guest' };

/** The error amqplib rejects `attempt` with. */
async function errorOf(attempt: () => Promise<unknown>): Promise<unknown> {
  try {
    await attempt();
  } catch (error) {
    return error;
  }
  throw new Error('it did not fail');
}

describe('explainFailure on real errors', () => {
  let broker: Awaited<ReturnType<typeof startBroker>>;
  beforeAll(async () => {
    broker = await startBroker({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await broker.close();
  });

  it('a port nothing listens on', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const error = await errorOf(() => amqp.connect(`amqp://guest:guest@127.0.0.1:${port}`));
    expect(explainFailure(error, { ...context, address: `127.0.0.1:${port}` })).toEqual({
      explanation: `Nothing answers at 127.0.0.1:${port}. Is RabbitMQ running? Start it with rabbitmq-server -detached, or unset AMQP_URL to use the embedded broker.`,
      raw: `connect ECONNREFUSED 127.0.0.1:${port}`,
    });
    expect(explainFailure(error, { ...context, broker: 'embedded' }).explanation).toBe(
      'Nothing answers at 127.0.0.1:5672: the embedded broker has stopped. Restart the workbook.',
    );
  });

  it('a host that does not exist', async () => {
    const error = await errorOf(() => amqp.connect('amqp://guest:guest@no-such-host.invalid:5672'));
    expect(explainFailure(error, context).explanation).toBe('The host in 127.0.0.1:5672 cannot be found. Check the host name in AMQP_URL.');
  });

  it('a wrong password', async () => {
    const error = await errorOf(() => amqp.connect(`amqp://guest:wrong@127.0.0.1:${broker.port}`));
    expect(explainFailure(error, context)).toEqual({
      explanation:
        "The broker refused to log in user 'guest' with that password. Check the user and password in AMQP_URL (RabbitMQ's guest user may only log in from localhost).",
      raw: expect.stringMatching(/^Handshake terminated by server: 403 \(ACCESS-REFUSED\)/),
    });
  });

  it('a vhost that does not exist', async () => {
    const error = await errorOf(() => amqp.connect(`amqp://guest:guest@127.0.0.1:${broker.port}/nowhere`));
    expect(explainFailure(error, context).explanation).toBe(
      "The broker would not open the run's virtual host for user 'guest': it does not exist, or the user has no permission on it.",
    );
  });

  describe('channel errors', () => {
    let connection: amqp.ChannelModel;
    beforeAll(async () => {
      connection = await amqp.connect(broker.url);
      connection.on('error', () => {});
    });
    afterAll(async () => {
      await connection.close().catch(() => {});
    });
    const onChannel = async (work: (channel: amqp.Channel) => Promise<unknown>): Promise<unknown> => {
      const channel = await connection.createChannel();
      channel.on('error', () => {});
      return errorOf(() => work(channel));
    };

    it('404: a queue nobody declared', async () => {
      const error = await onChannel((channel) => channel.checkQueue('nowhere'));
      expect(explainFailure(error, context).explanation).toBe(
        "There is no queue 'nowhere' in this run's broker: something used it before anyone declared it. Declare it first (assertQueue), or start the actor that declares it earlier.",
      );
    });

    it('404: an exchange nobody declared', async () => {
      const error = await onChannel((channel) => channel.bindQueue('q', 'logs', ''));
      expect(explainFailure(error, context).explanation).toMatch(/^There is no (queue 'q'|exchange 'logs') in this run's broker/);
      const exchangeError = await onChannel((channel) => channel.checkExchange('logs'));
      expect(explainFailure(exchangeError, context).explanation).toBe(
        "There is no exchange 'logs' in this run's broker: declare it (assertExchange) before publishing to it or binding to it.",
      );
    });

    it('406: a queue declared again with other settings', async () => {
      const error = await onChannel(async (channel) => {
        await channel.assertQueue('settled', { durable: false });
        await channel.assertQueue('settled', { durable: true });
      });
      expect(explainFailure(error, context).explanation).toBe(
        "The queue 'settled' already exists with durable = false, and was declared again with durable = true. A queue keeps the settings it was first declared with: declare it the same way everywhere, or delete it first.",
      );
    });

    it('406: a quorum queue declared again as a classic one', async () => {
      const error = await onChannel(async (channel) => {
        await channel.assertQueue('tasks', { durable: true, arguments: { 'x-queue-type': 'quorum' } });
        await channel.assertQueue('tasks');
      });
      expect(explainFailure(error, context).explanation).toBe(
        "The queue 'tasks' already exists in vhost '/' as a quorum queue, and was declared again as a classic queue (no x-queue-type). A queue keeps the settings it was first declared with: declare it the same way everywhere, or delete it first.",
      );
      // In a vhost runs share, the queue may be someone else's: the explanation says how to clear it or avoid sharing.
      expect(explainFailure(error, { ...context, sharedVhost: '/' }).explanation).toMatch(
        /^The queue 'tasks' already exists in vhost '\/' as a quorum queue, .* Delete the queue if nothing else needs it \(rabbitmqctl delete_queue tasks\), or turn the management plugin on \(rabbitmq-plugins enable rabbitmq_management, /,
      );
    });

    it('403: a name in the amq. namespace', async () => {
      const error = await onChannel((channel) => channel.assertQueue('amq.mine'));
      expect(explainFailure(error, context).explanation).toBe(
        "Names starting with amq. belong to the broker: queue name 'amq.mine' contains reserved prefix 'amq.*'. Pick another name.",
      );
    });

    it("405: someone else's exclusive queue", async () => {
      const owner = await amqp.connect(broker.url);
      try {
        const ownerChannel = await owner.createChannel();
        await ownerChannel.assertQueue('mine-alone', { exclusive: true });
        const error = await onChannel((channel) => channel.consume('mine-alone', () => {}));
        expect(explainFailure(error, context).explanation).toBe(
          "Cannot obtain exclusive access to locked queue 'mine-alone' in vhost '/': an exclusive queue belongs to the connection that declared it, and no other connection may use it.",
        );
      } finally {
        await owner.close();
      }
    });
  });

  it("RabbitMQ's management API failing to make a run's vhost", async () => {
    const unanswered = await errorOf(() => managementApiFor('amqp://guest:guest@127.0.0.1:5672', 'http://127.0.0.1:1').createVhost('x'));
    expect(explainFailure(unanswered, context).explanation).toBe(
      "RabbitMQ's management API did not answer in time while preparing this run's vhost (RabbitMQ at 127.0.0.1:5672 may be overloaded). Run it again in a moment.",
    );
    expect(explainFailure(unanswered, context).raw).toMatch(/^PUT http:\/\/127\.0\.0\.1:1\/api\/vhosts\/x: /);
    const refused = new ManagementApiError('PUT http://127.0.0.1:15672/api/vhosts/x: 401 Unauthorized', 401);
    expect(explainFailure(refused, context).explanation).toBe(
      "RabbitMQ's management API refused to prepare this run's vhost (HTTP 401). The user 'guest' must be an administrator.",
    );
  });

  it("a bound the runner enforced, and a scenario's own error", () => {
    expect(explainFailure(new RunLimitError('This run reached its time limit of 60 s.'), context)).toEqual({
      explanation: 'This run reached its time limit of 60 s.',
      raw: 'This run reached its time limit of 60 s.',
    });
    expect(explainFailure(new TypeError('x is not a function'), context)).toEqual({
      explanation: 'The scenario stopped with an error: x is not a function',
      raw: 'x is not a function',
    });
    expect(explainFailure('a string', context).raw).toBe('a string');
  });
});
