/**
 * When "Restart the broker" cannot be done, it says why and what to do: a
 * RabbitMQ on another machine, or no rabbitmqctl on this one. Nothing is
 * restarted here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { brokerRestarterFor, RestartRefusedError } from '../../server/runs/broker-restart.js';

const savedPath = process.env.PATH;

describe('restarting a RabbitMQ', () => {
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  it('on another machine is refused, saying where to do it', async () => {
    const restart = brokerRestarterFor({
      kind: 'rabbitmq',
      url: 'amqp://guest:guest@rabbit.example:5672',
      embedded: undefined,
      close: async () => {},
    });
    const refusal = restart();
    await expect(refusal).rejects.toBeInstanceOf(RestartRefusedError);
    await expect(refusal).rejects.toThrow(
      'RabbitMQ at rabbit.example:5672 runs on another machine: restart it there (rabbitmqctl stop_app, then rabbitmqctl start_app).',
    );
  });

  it('on this machine without rabbitmqctl is refused, naming the missing command', async () => {
    process.env.PATH = '/nonexistent';
    const restart = brokerRestarterFor({
      kind: 'rabbitmq',
      url: 'amqp://guest:guest@127.0.0.1:5672',
      embedded: undefined,
      close: async () => {},
    });
    await expect(restart()).rejects.toThrow(/^rabbitmqctl is not on this machine/);
  });
});
