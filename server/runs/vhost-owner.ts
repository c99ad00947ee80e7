/**
 * Which workbook made a run's vhost on RabbitMQ, written into the vhost's
 * description, and whether that workbook has gone, so that a sweep deletes
 * what a stopped workbook left behind and nothing else.
 *
 * Several workbooks may share one RabbitMQ (a learner's two servers, the
 * test suite's servers in parallel, a classroom's laptops), so a sweep at one
 * workbook's start-up must never delete a vhost another one's run is using.
 * Each vhost Warren makes carries the tag `warren` and a mark naming its maker:
 *
 * - the workbook's random id, so a workbook knows its own vhosts exactly
 *   (a process may hold several: the tests start many);
 * - the pid space it runs in (on Linux the boot id and pid namespace, where
 *   a pid names one process; elsewhere the platform and host name), its pid,
 *   and when it started (on Linux, read from /proc, so a pid the system has
 *   since given to another process is told apart);
 * - a lease: a time until which the maker vouches it is alive, renewed while
 *   the vhost is in use.
 *
 * A marked vhost is a leftover when its maker is this workbook and no run of
 * it uses it; or its maker ran in this pid space and its process has gone; or, for a maker whose pid means nothing here (another machine or
 * container), its lease ran out. A live maker renews its leases long before
 * they end, so a lease runs out only for a maker that has stopped; it is long
 * enough that clocks disagreeing by minutes do no harm. A vhost without the
 * tag and a mark that reads back is never touched.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname, platform } from 'node:os';

/** The tag every vhost Warren makes carries. */
export const WARREN_TAG = 'warren';
/** Names of run vhosts start with this. */
export const RUN_VHOST_PREFIX = 'warren-';
/** What precedes the machine-readable part of a description. */
const MARK_START = ' warren-mark:';

/** A workbook (its runner) and the process it runs in, as its vhosts name them. */
export interface VhostOwner {
  /** Random id of the workbook, fixed for its life. */
  workbook: string;
  /** Where `pid` names one process: 'linux:<boot id>:<pid namespace>' or '<platform>:<host name>'. */
  pidSpace: string;
  pid: number;
  /** When the process started: on Linux its start time in clock ticks after boot, elsewhere milliseconds since 1970. */
  started: string;
  /** The machine's name, for people reading the description. */
  host: string;
}

/** What a vhost's description says about it. */
export interface VhostMark {
  owner: VhostOwner;
  /** Milliseconds since 1970 until which the owner vouches it is alive. */
  leaseUntil: number;
}

let thisProcess: Omit<VhostOwner, 'workbook'> | undefined;

/** A new workbook in this process, as its vhosts name it. */
export function newOwner(): VhostOwner {
  thisProcess ??= {
    pidSpace: pidSpace(),
    pid: process.pid,
    started: startTime(process.pid) ?? String(Math.round(Date.now() - process.uptime() * 1000)),
    host: hostname(),
  };
  return { workbook: randomBytes(8).toString('hex'), ...thisProcess };
}

/** The description and tags of a vhost made by `mark.owner`. */
export function markedMetadata(mark: VhostMark): { description: string; tags: string[] } {
  const { owner } = mark;
  return {
    description:
      `Made by the Warren workbook (process ${owner.pid} on ${owner.host}) for one run; deleted when the run ends, ` +
      `or by the next Warren to start if this one stops first.${MARK_START}${JSON.stringify(mark)}`,
    tags: [WARREN_TAG],
  };
}

/** The mark of a vhost Warren made; undefined for any other vhost (wrong name, no tag, or a description that does not read back). */
export function readMark(vhost: { name: string; description: string; tags: string[] }): VhostMark | undefined {
  if (!vhost.name.startsWith(RUN_VHOST_PREFIX) || !vhost.tags.includes(WARREN_TAG)) return undefined;
  const at = vhost.description.lastIndexOf(MARK_START);
  if (at < 0) return undefined;
  try {
    const mark = JSON.parse(vhost.description.slice(at + MARK_START.length)) as Partial<VhostMark>;
    const owner = mark.owner as Partial<VhostOwner> | undefined;
    const complete =
      typeof mark.leaseUntil === 'number' &&
      typeof owner?.workbook === 'string' &&
      typeof owner.pidSpace === 'string' &&
      typeof owner.pid === 'number' &&
      typeof owner.started === 'string' &&
      typeof owner.host === 'string';
    return complete ? (mark as VhostMark) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the workbook that made a vhost has gone, seen from `observer` at `now`. Not for the observer's own
 * vhosts: only it knows which of them are in use.
 */
export function ownerHasGone(mark: VhostMark, observer: VhostOwner, now: number): boolean {
  const { owner } = mark;
  if (owner.pidSpace === observer.pidSpace) {
    if (!isRunning(owner.pid)) return true;
    const started = startTime(owner.pid);
    // Without start times (not Linux) a running pid may be another process's by now: the lease decides.
    if (started !== undefined) return started !== owner.started;
  }
  return now > mark.leaseUntil;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** On Linux, the start time of `pid` in clock ticks after boot (field 22 of /proc/<pid>/stat); undefined elsewhere or if it has gone. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces; fields 3 onwards follow the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function pidSpace(): string {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const namespace = readlinkSync('/proc/self/ns/pid');
    return `linux:${boot}:${namespace}`;
  } catch {
    return `${platform()}:${hostname()}`;
  }
}
