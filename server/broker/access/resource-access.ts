/**
 * The checks RabbitMQ makes before a method touches a queue or an exchange
 * (rabbit_access_control:check_resource_access) and before connection.open
 * enters a vhost (check_vhost_access), with its words.
 */
import { AmqpError, ReplyCode } from '../errors.js';
import type { Permission } from './records.js';
import type { UserStore } from './user-store.js';

export type ResourceKind = 'queue' | 'exchange';

/** What a channel asks before acting: throws ACCESS_REFUSED when the connection's user may not. */
export interface ResourceAccess {
  check(kind: ResourceKind, name: string, permission: Permission): void;
}

/** The checks for one user in one vhost; they read the store each time, so changed permissions apply at once. */
export function resourceAccess(store: UserStore, user: string, vhost: string): ResourceAccess {
  return {
    check(kind, name, permission) {
      // The default exchange has no name; permissions see it as amq.default.
      const checkedName = kind === 'exchange' && name === '' ? 'amq.default' : name;
      if (store.permissionsIn(user, vhost)?.allows(permission, checkedName)) return;
      throw new AmqpError(ReplyCode.ACCESS_REFUSED, `access to ${kind} '${checkedName}' in vhost '${vhost}' refused for user '${user}'`);
    },
  };
}

/** connection.open to a vhost the user has no permissions in: 530, closing the connection. */
export function vhostAccessRefused(user: string, vhost: string): AmqpError {
  return new AmqpError(ReplyCode.NOT_ALLOWED, `access to vhost '${vhost}' refused for user '${user}'`, {
    hard: true,
    classId: 10,
    methodId: 40,
  });
}

/** For code inside the broker acting on its own behalf: every check passes. */
export const UNCHECKED: ResourceAccess = {
  check() {
    return;
  },
};

/** The exchange an argument such as x-dead-letter-exchange names: a string value, or undefined for any other type. */
export function resourceName(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
}
