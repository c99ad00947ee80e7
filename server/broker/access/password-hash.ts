/**
 * Passwords are kept hashed the way RabbitMQ keeps them
 * (rabbit_password_hashing_sha256): a random 4-byte salt, then
 * SHA-256(salt + password), the whole in base64. Definitions exported from
 * RabbitMQ carry the same `password_hash`, so records move between the two.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The name RabbitMQ gives this scheme in its definitions. */
export const HASHING_ALGORITHM = 'rabbit_password_hashing_sha256';

const SALT_BYTES = 4;

/** A new salted hash of a password. */
export function hashPassword(password: string): string {
  const salt = randomBytes(SALT_BYTES);
  return Buffer.concat([salt, digest(salt, password)]).toString('base64');
}

/** Whether a password matches a hash made by hashPassword; a user without a hash ('') cannot log in with a password. */
export function passwordMatches(password: string, passwordHash: string): boolean {
  const stored = Buffer.from(passwordHash, 'base64');
  if (stored.length <= SALT_BYTES) return false;
  const salt = stored.subarray(0, SALT_BYTES);
  return timingSafeEqual(stored.subarray(SALT_BYTES), digest(salt, password));
}

function digest(salt: Buffer, password: string): Buffer {
  return createHash('sha256').update(salt).update(password, 'utf8').digest();
}
