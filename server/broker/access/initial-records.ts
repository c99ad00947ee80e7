/**
 * The users and permissions a broker starts with, from the options people
 * write: users with plain passwords, and permissions that default to
 * everything everywhere so a broker started with a list of users lets each
 * of them work in each vhost.
 */
import { HASHING_ALGORITHM, hashPassword } from './password-hash.js';
import type { AccessRecords, PermissionRecord } from './records.js';

/** A user as startBroker's options give it. */
export interface UserOption {
  username: string;
  password: string;
  /** Default none: such a user can still use AMQP, only the management tools look at tags. */
  tags?: string[];
}

/** A permission as startBroker's options give it; vhost defaults to '/'. */
export interface PermissionOption {
  user: string;
  vhost?: string;
  configure: string;
  write: string;
  read: string;
}

/** Records for the given users; without permissions, each user may do everything in every vhost. */
export function buildAccessRecords(
  users: readonly UserOption[],
  vhosts: readonly string[],
  permissions: readonly PermissionOption[] | undefined,
): AccessRecords {
  const granted: PermissionRecord[] =
    permissions === undefined
      ? users.flatMap(({ username }) => vhosts.map((vhost) => ({ user: username, vhost, configure: '.*', write: '.*', read: '.*' })))
      : permissions.map(({ user, vhost = '/', configure, write, read }) => ({ user, vhost, configure, write, read }));
  return {
    users: users.map(({ username, password, tags = [] }) => ({
      name: username,
      password_hash: hashPassword(password),
      hashing_algorithm: HASHING_ALGORITHM,
      tags: [...tags],
    })),
    permissions: granted,
  };
}
