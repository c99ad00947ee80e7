/**
 * Users and their permissions as plain records, the shape RabbitMQ's
 * definitions export uses (users: name, password_hash, tags; permissions:
 * user, vhost, configure, write, read). Everything here is JSON as it is, so
 * a store can save and reload it without knowing the broker.
 */

/** A user: its name, its salted password hash (see password-hash.ts) and its tags. */
export interface UserRecord {
  name: string;
  /** base64 of salt + SHA-256; '' means the user has no password and cannot log in with one. */
  password_hash: string;
  hashing_algorithm: 'rabbit_password_hashing_sha256';
  /** Free-form words; RabbitMQ's management UI knows administrator, monitoring, policymaker, management and impersonator. */
  tags: string[];
}

/** What one user may do in one virtual host: three regular expressions over resource names. */
export interface PermissionRecord {
  user: string;
  vhost: string;
  configure: string;
  write: string;
  read: string;
}

/** All users and permissions of a broker. */
export interface AccessRecords {
  users: UserRecord[];
  permissions: PermissionRecord[];
}

/** The three kinds of access RabbitMQ checks. */
export type Permission = 'configure' | 'write' | 'read';

/** The tags RabbitMQ's management plugin gives a meaning to; any other word is kept as it is. */
export const KNOWN_TAGS = ['administrator', 'monitoring', 'policymaker', 'management', 'impersonator'] as const;
