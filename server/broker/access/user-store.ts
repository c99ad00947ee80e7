/**
 * The broker's users and permissions, changed the way rabbitmqctl changes
 * them (add_user, delete_user, change_password, set_user_tags,
 * set_permissions, clear_permissions, list_users, list_permissions,
 * list_user_permissions) and kept as plain records (records.ts) that can be
 * saved and given back to a new store. A broker with a data directory hands
 * it an AccessChanges, and every change is written there as it is made.
 */
import { hashPassword, passwordMatches, HASHING_ALGORITHM } from './password-hash.js';
import { compilePattern } from './patterns.js';
import type { AccessRecords, Permission, PermissionRecord, UserRecord } from './records.js';

/** A refused change, worded as rabbitmqctl words it. */
export class AccessError extends Error {
  override name = 'AccessError';
}

/** One user's compiled permissions in one vhost. */
export interface VhostPermissions {
  readonly record: PermissionRecord;
  allows(permission: Permission, resourceName: string): boolean;
}

/** A row of list_users. */
export interface UserListing {
  user: string;
  tags: string[];
}

/** A row of list_permissions (one vhost) or list_user_permissions (one user). */
export interface PermissionListing {
  user: string;
  vhost: string;
  configure: string;
  write: string;
  read: string;
}

/** Where each change to users and permissions goes to be kept, as it is made. */
export interface AccessChanges {
  /** A user was added, or its password or tags changed. */
  userPut(user: UserRecord): void;
  /** A user was deleted (its permissions are deleted one by one before). */
  userDeleted(name: string): void;
  permissionPut(permission: PermissionRecord): void;
  permissionDeleted(user: string, vhost: string): void;
}

export class UserStore {
  private readonly users = new Map<string, UserRecord>();
  /** user -> vhost -> permissions */
  private readonly permissions = new Map<string, Map<string, VhostPermissions>>();
  private changes: AccessChanges | undefined;

  /** `vhostExists` tells whether set_permissions names a vhost the broker has. */
  constructor(
    private readonly vhostExists: (vhost: string) => boolean,
    records: AccessRecords = { users: [], permissions: [] },
  ) {
    for (const user of records.users) this.users.set(user.name, { ...user, tags: [...user.tags] });
    for (const permission of records.permissions) this.setPermissions(permission);
  }

  /** From now on every change is also handed to changes (the records the store started from are not). */
  keepChangesIn(changes: AccessChanges): void {
    this.changes = changes;
  }

  /** Everything as plain records, ready to be saved as JSON. */
  records(): AccessRecords {
    const permissions: PermissionRecord[] = [];
    for (const byVhost of this.permissions.values()) for (const entry of byVhost.values()) permissions.push({ ...entry.record });
    return { users: [...this.users.values()].map((user) => ({ ...user, tags: [...user.tags] })), permissions };
  }

  addUser(name: string, password: string, tags: readonly string[] = []): void {
    if (name === '') throw new AccessError('a user name cannot be empty');
    if (this.users.has(name)) throw new AccessError(`User "${name}" already exists`);
    const user: UserRecord = { name, password_hash: hashPassword(password), hashing_algorithm: HASHING_ALGORITHM, tags: checkedTags(tags) };
    this.users.set(name, user);
    this.userChanged(user);
  }

  /** Deletes a user and every permission it had. */
  deleteUser(name: string): void {
    if (!this.users.delete(name)) throw new AccessError(`User "${name}" does not exist`);
    for (const vhost of this.permissions.get(name)?.keys() ?? []) this.changes?.permissionDeleted(name, vhost);
    this.permissions.delete(name);
    this.changes?.userDeleted(name);
  }

  changePassword(name: string, password: string): void {
    const user = this.existing(name);
    user.password_hash = hashPassword(password);
    this.userChanged(user);
  }

  setUserTags(name: string, tags: readonly string[]): void {
    const user = this.existing(name);
    user.tags = checkedTags(tags);
    this.userChanged(user);
  }

  listUsers(): UserListing[] {
    return [...this.users.values()].map((user) => ({ user: user.name, tags: [...user.tags] }));
  }

  hasUser(name: string): boolean {
    return this.users.has(name);
  }

  tagsOf(name: string): readonly string[] {
    return this.users.get(name)?.tags ?? [];
  }

  /** Whether the password is this user's. */
  passwordMatches(name: string, password: string): boolean {
    const user = this.users.get(name);
    return user !== undefined && passwordMatches(password, user.password_hash);
  }

  /** set_permissions: each pattern is a regular expression ('' allows nothing, '.*' everything). */
  setPermissions(record: PermissionRecord): void {
    for (const permission of ['configure', 'write', 'read'] as const) {
      const problem = compilePattern(record[permission]).problem;
      if (problem !== undefined) {
        throw new AccessError(`invalid regular expression '${record[permission]}' for the ${permission} permission: ${problem}`);
      }
    }
    if (!this.users.has(record.user)) throw new AccessError(`User ${record.user} does not exist`);
    if (!this.vhostExists(record.vhost)) throw new AccessError(`Virtual host ${record.vhost} does not exist`);
    const kept = this.putPermissions(record);
    this.changes?.permissionPut({ ...kept });
  }

  clearPermissions(user: string, vhost: string): void {
    if (!this.users.has(user)) throw new AccessError(`User "${user}" does not exist`);
    if (!this.vhostExists(vhost)) throw new AccessError(`Virtual host ${vhost} does not exist`);
    if (this.permissions.get(user)?.delete(vhost) === true) this.changes?.permissionDeleted(user, vhost);
  }

  /** list_permissions -p vhost */
  listPermissions(vhost: string): PermissionListing[] {
    const rows: PermissionListing[] = [];
    for (const byVhost of this.permissions.values()) {
      const entry = byVhost.get(vhost);
      if (entry) rows.push({ ...entry.record });
    }
    return rows;
  }

  /** list_user_permissions user */
  listUserPermissions(user: string): PermissionListing[] {
    if (!this.users.has(user)) throw new AccessError(`User "${user}" does not exist`);
    return [...(this.permissions.get(user)?.values() ?? [])].map((entry) => ({ ...entry.record }));
  }

  /** The user's permissions in a vhost, or undefined when it has none there (and may not open it). */
  permissionsIn(user: string, vhost: string): VhostPermissions | undefined {
    return this.permissions.get(user)?.get(vhost);
  }

  /** A vhost is gone: so are the permissions to it. */
  vhostDeleted(vhost: string): void {
    for (const [user, byVhost] of this.permissions) if (byVhost.delete(vhost)) this.changes?.permissionDeleted(user, vhost);
  }

  private existing(name: string): UserRecord {
    const user = this.users.get(name);
    if (user === undefined) throw new AccessError(`User "${name}" does not exist`);
    return user;
  }

  private userChanged(user: UserRecord): void {
    this.changes?.userPut({ ...user, tags: [...user.tags] });
  }

  /** Compiles and sets a permission; returns the record it keeps. */
  private putPermissions(record: PermissionRecord): PermissionRecord {
    const copy = { user: record.user, vhost: record.vhost, configure: record.configure, write: record.write, read: record.read };
    const patterns = {
      configure: compilePattern(copy.configure).regex,
      write: compilePattern(copy.write).regex,
      read: compilePattern(copy.read).regex,
    };
    let byVhost = this.permissions.get(copy.user);
    if (byVhost === undefined) this.permissions.set(copy.user, (byVhost = new Map<string, VhostPermissions>()));
    byVhost.set(copy.vhost, { record: copy, allows: (permission, name) => patterns[permission]?.test(name) ?? false });
    return copy;
  }
}

function checkedTags(tags: readonly string[]): string[] {
  for (const tag of tags) {
    if (!/^[^\s,]+$/.test(tag))
      throw new AccessError(`a user tag is one word without spaces or commas, such as administrator; got '${tag}'`);
  }
  return [...new Set(tags)];
}
