/**
 * Users and permissions in the data directory, as the store's generic
 * definitions: a record per user (kind 'user', by name), one per permission
 * (kind 'permission', by user and vhost), and one that says the directory
 * holds them, so a directory whose users were all deleted is not taken for
 * a new one (and given the default user again).
 */
import { DataDirError } from '../data-dir.js';
import type { AccessRecords, PermissionRecord, UserRecord } from '../access/records.js';
import type { AccessChanges } from '../access/user-store.js';
import type { BrokerStore, Definitions } from './store.js';

const USER = 'user';
const PERMISSION = 'permission';
const MARKER = 'access';
const MARKER_KEY = 'kept';

/**
 * The users and permissions the directory holds, or undefined when it holds
 * none yet (it is new, or was written before users were kept). Permissions
 * to a vhost the broker no longer has are left out.
 */
export function keptAccess(store: BrokerStore, vhostExists: (vhost: string) => boolean): AccessRecords | undefined {
  const { definitions, directory } = store;
  if (!definitions.all(MARKER).has(MARKER_KEY)) return undefined;
  const users = [...definitions.all(USER).values()].map((value) => userRecord(value, directory));
  const names = new Set(users.map((user) => user.name));
  const permissions = [...definitions.all(PERMISSION).values()]
    .map((value) => permissionRecord(value, directory))
    .filter((permission) => names.has(permission.user) && vhostExists(permission.vhost));
  return { users, permissions };
}

/** Writes the records a new directory starts from, and returns where later changes go. */
export function keepAccess(store: BrokerStore, records: AccessRecords): AccessChanges {
  const changes = accessChangesIn(store.definitions);
  for (const user of records.users) changes.userPut(user);
  for (const permission of records.permissions) changes.permissionPut(permission);
  store.definitions.put(MARKER, MARKER_KEY, true);
  return changes;
}

/** Writes each change to users and permissions as a definition. */
export function accessChangesIn(definitions: Definitions): AccessChanges {
  return {
    userPut: (user) => definitions.put(USER, user.name, user),
    userDeleted: (name) => definitions.delete(USER, name),
    permissionPut: (permission) => definitions.put(PERMISSION, permissionKey(permission.user, permission.vhost), permission),
    permissionDeleted: (user, vhost) => definitions.delete(PERMISSION, permissionKey(user, vhost)),
  };
}

/** Names may hold any character, so the pair is kept as JSON rather than joined. */
function permissionKey(user: string, vhost: string): string {
  return JSON.stringify([user, vhost]);
}

function userRecord(value: unknown, directory: string): UserRecord {
  const user = value as Partial<UserRecord> | null;
  if (
    typeof user?.name !== 'string' ||
    typeof user.password_hash !== 'string' ||
    !Array.isArray(user.tags) ||
    !user.tags.every((tag) => typeof tag === 'string')
  ) {
    throw new DataDirError(
      `${directory} cannot be used: it holds a user record that is not { name, password_hash, tags }: ${JSON.stringify(value)}`,
    );
  }
  return { name: user.name, password_hash: user.password_hash, hashing_algorithm: 'rabbit_password_hashing_sha256', tags: [...user.tags] };
}

function permissionRecord(value: unknown, directory: string): PermissionRecord {
  const permission = value as Partial<PermissionRecord> | null;
  const fields = [permission?.user, permission?.vhost, permission?.configure, permission?.write, permission?.read];
  if (permission === null || !fields.every((field) => typeof field === 'string')) {
    throw new DataDirError(
      `${directory} cannot be used: it holds a permission record that is not { user, vhost, configure, write, read }: ${JSON.stringify(value)}`,
    );
  }
  const { user, vhost, configure, write, read } = permission as PermissionRecord;
  return { user, vhost, configure, write, read };
}
