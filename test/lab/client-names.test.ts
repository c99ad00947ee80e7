// How the lab names connections of programs it did not start.
import { describe, expect, it } from 'vitest';
import { createClientNames } from '../../server/lab/client-names.js';

const client = (connectionName: string | undefined, product?: string) => ({
  connectionName,
  product,
  version: undefined,
  address: '127.0.0.1:50122',
});

describe('the lab names a connection', () => {
  it('by its connection_name, or else by its library, as people call it, and its address', () => {
    const names = createClientNames();
    expect(names.name(client('billing worker'))).toBe('billing worker');
    expect(names.name(client(undefined, 'Pika Python Client Library'))).toBe('pika from 127.0.0.1:50122');
    expect(names.name({ ...client(undefined, 'amqplib'), address: '127.0.0.1:50123' })).toBe('amqplib from 127.0.0.1:50123');
    expect(names.name({ ...client(undefined), address: '[::1]:50124' })).toBe('AMQP client from [::1]:50124');
  });

  it('keeping two open at once apart, and giving a name back once its connection closes', () => {
    const names = createClientNames();
    expect(names.name(client('receiver'))).toBe('receiver');
    expect(names.name(client('receiver'))).toBe('receiver (2)');
    expect(names.name(client('receiver'))).toBe('receiver (3)');
    names.release('receiver (2)');
    expect(names.name(client('receiver'))).toBe('receiver (2)');
    names.release('receiver');
    expect(names.name(client('receiver'))).toBe('receiver');
  });
});
