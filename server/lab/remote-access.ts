/**
 * Programs on other machines and the lab's port: guest may only connect
 * from this machine (as on RabbitMQ), so such programs need a user of their
 * own. On the embedded broker the workbook makes it from BROKER_USER; on a
 * RabbitMQ it is added with rabbitmqctl. What the workbook prints about it
 * at start-up lives here too.
 */
import { isLoopbackAddress } from '../broker/auth.js';
import type { EmbeddedBroker } from '../broker/index.js';

/** A user for programs on other machines. */
export interface RemoteUser {
  username: string;
  password: string;
}

/**
 * Makes `user` on the embedded broker with every permission in vhost '/', or sets its password when it is there
 * already (a data directory keeps users): BROKER_USER is what the user is, each start.
 */
export function addRemoteUser(broker: EmbeddedBroker, user: RemoteUser): void {
  const users = broker.users;
  if (users.listUsers().some((listed) => listed.user === user.username)) users.changePassword(user.username, user.password);
  else users.addUser(user.username, user.password);
  users.setPermissions({ user: user.username, vhost: '/', configure: '.*', write: '.*', read: '.*' });
}

/** Whether BROKER_HOST lets only this machine in (a loopback address, or the name localhost). */
export function onlyThisMachine(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host);
}

/**
 * What the workbook prints at start-up when the lab's port listens beyond this machine: guest cannot come in from
 * elsewhere, and how to give programs there a user. Nothing when it listens on loopback.
 */
export function remoteAccessNotes(options: {
  brokerHost: string;
  brokerKind: 'embedded' | 'rabbitmq';
  /** The vhost the lab shows (RabbitMQ's, from AMQP_URL). */
  vhost: string;
  remoteUser: RemoteUser | undefined;
}): string[] {
  if (onlyThisMachine(options.brokerHost)) return [];
  return [
    `BROKER_HOST=${options.brokerHost}: programs on other machines can reach the lab's port, but guest can only connect from this machine (as on RabbitMQ).`,
    remoteUserHint(options),
  ];
}

/** How programs on other machines get a user of their own, or which one they have. */
export function remoteUserHint(options: {
  brokerKind: 'embedded' | 'rabbitmq';
  vhost: string;
  remoteUser: RemoteUser | undefined;
}): string {
  if (options.brokerKind === 'rabbitmq') {
    return `For programs elsewhere, add a user on RabbitMQ: rabbitmqctl add_user NAME PASSWORD, then rabbitmqctl set_permissions -p ${shellWord(options.vhost)} NAME '.*' '.*' '.*'`;
  }
  if (options.remoteUser === undefined) {
    return "For programs elsewhere, start with a user of their own: BROKER_USER=name:password npm start (it may use vhost '/').";
  }
  return `Programs elsewhere log in as ${options.remoteUser.username} (BROKER_USER), with every permission in vhost '/'.`;
}

/** A vhost name as one shell word. */
function shellWord(text: string): string {
  return /^[\w/.-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
