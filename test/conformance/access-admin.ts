// Users, vhosts and permissions made for a case, the same way on both
// brokers: through the embedded broker's own API, and through RabbitMQ's
// management HTTP API (as the URL's user, guest by default). A vhost made
// either way gives its maker (guest) every permission in it, as RabbitMQ's
// management API does.
import type { EmbeddedBroker } from '../../server/broker/index.js';

/** Three permission patterns, as set_permissions takes them. */
export interface Patterns {
  configure: string;
  write: string;
  read: string;
}

/** What a case may create and must delete. */
export interface AccessAdmin {
  addVhost(name: string): Promise<void>;
  deleteVhost(name: string): Promise<void>;
  addUser(name: string, password: string, tags: string[]): Promise<void>;
  deleteUser(name: string): Promise<void>;
  setPermissions(user: string, vhost: string, patterns: Patterns): Promise<void>;
}

export function embeddedAdmin(broker: EmbeddedBroker): AccessAdmin {
  return {
    addVhost: async (name) => broker.addVhost(name),
    deleteVhost: async (name) => broker.deleteVhost(name),
    addUser: async (name, password, tags) => broker.users.addUser(name, password, tags),
    deleteUser: async (name) => broker.users.deleteUser(name),
    setPermissions: async (user, vhost, patterns) => broker.users.setPermissions({ user, vhost, ...patterns }),
  };
}

/** RabbitMQ's management API beside the AMQP URL (port 15672). */
export function rabbitAdmin(amqpUrl: string): AccessAdmin {
  const url = new URL(amqpUrl);
  const base = `http://${url.hostname}:15672/api`;
  const credentials = `${decodeURIComponent(url.username || 'guest')}:${decodeURIComponent(url.password || 'guest')}`;
  const authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  const call = async (method: string, path: string, body?: unknown): Promise<void> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    if (!response.ok) throw new Error(`${method} ${base}${path}: ${response.status} ${await response.text()}`);
  };
  const part = encodeURIComponent;
  return {
    addVhost: (name) => call('PUT', `/vhosts/${part(name)}`, {}),
    deleteVhost: (name) => call('DELETE', `/vhosts/${part(name)}`),
    addUser: (name, password, tags) => call('PUT', `/users/${part(name)}`, { password, tags: tags.join(',') }),
    deleteUser: (name) => call('DELETE', `/users/${part(name)}`),
    setPermissions: (user, vhost, patterns) => call('PUT', `/permissions/${part(vhost)}/${part(user)}`, patterns),
  };
}
