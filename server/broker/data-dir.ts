/**
 * Where the embedded broker keeps what survives a restart unless told
 * otherwise: the XDG data directory, as other programs on the machine do.
 */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** A data directory that cannot be used, told with what is wrong. */
export class DataDirError extends Error {}

/** $XDG_DATA_HOME/warren/broker, or ~/.local/share/warren/broker when XDG_DATA_HOME is unset or not absolute (as the XDG spec says). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_DATA_HOME;
  const base = xdg !== undefined && isAbsolute(xdg) ? xdg : join(homedir(), '.local', 'share');
  return join(base, 'warren', 'broker');
}

/** The directory as an absolute path; throws DataDirError when it is empty or names something that is not a directory. */
export function checkDataDir(path: string): string {
  if (path.trim() === '') throw new DataDirError('must be a directory path, such as ~/.local/share/warren/broker, got an empty one');
  const absolute = resolve(path);
  try {
    if (!statSync(absolute).isDirectory()) throw new DataDirError(`must be a directory, but ${absolute} is a file`);
  } catch (error) {
    if (error instanceof DataDirError) throw error;
    // Missing: the broker creates it.
  }
  return absolute;
}
