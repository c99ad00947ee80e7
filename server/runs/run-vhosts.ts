/**
 * The vhosts this workbook makes on RabbitMQ, one per run: made and deleted
 * through the management API a few at a time, marked as Warren's, their
 * leases renewed while in use, and swept when a workbook left them behind.
 *
 * RabbitMQ makes and deletes vhosts one at a time, and finishes a PUT its
 * caller has stopped waiting for. Sent all at once, later PUTs wait behind
 * the others longer than their caller does, so their runs fail while RabbitMQ
 * still makes their vhosts, and nobody deletes them. So the calls queue here (deletions first, then creations, then lease renewals),
 * a few in flight at a time, each with a long bounded wait; a vhost is
 * counted as this workbook's from before its PUT is sent until its DELETE is
 * answered, and whatever may have been made is deleted, whatever failed. What
 * still escapes (a DELETE RabbitMQ would not do) is marked as this workbook's
 * and not in use, so the next sweep deletes it: sweeps run at start-up, every
 * few minutes, and when the workbook closes. See vhost-owner.ts for how a
 * sweep tells a leftover from a vhost another workbook is using.
 */
import { RunStoppedError } from './errors.js';
import { ManagementApiError, type ManagementApi } from './management-api.js';
import { markedMetadata, newOwner, ownerHasGone, readMark, type VhostOwner } from './vhost-owner.js';

/** Vhost calls in flight at once: RabbitMQ does them one at a time anyway; a second overlaps the HTTP round trip. */
const IN_FLIGHT = 2;
/**
 * How long a mark vouches for its owner, how often the leases of vhosts in use are renewed and leftovers swept,
 * and how long a run waits for its turn to have its vhost made before it fails saying RabbitMQ is too busy.
 */
const TIMING = { leaseMs: 15 * 60_000, renewEveryMs: 5 * 60_000, sweepEveryMs: 5 * 60_000, openWaitMs: 3 * 60_000 };
/** Waits before deleting a vhost again after RabbitMQ failed to. */
const DELETE_RETRY_MS = [1000, 5000];

/** What a sweep did. */
export interface SweepResult {
  /** Leftovers it deleted. */
  deleted: string[];
  /** Leftovers it could not delete (the next sweep tries again). */
  failed: string[];
}

/** The run vhosts of one workbook on one RabbitMQ. */
export interface RunVhosts {
  /** Makes `vhost`, marked as this workbook's, and lets `user` use it. If that fails, deletes whatever may have been made. */
  open(vhost: string, signal?: AbortSignal): Promise<void>;
  /** Deletes a vhost open() made; retried, and left to the sweep if RabbitMQ will not. */
  release(vhost: string): Promise<void>;
  /** Deletes Warren's leftovers: this workbook's vhosts no run uses, and those whose workbook has gone. */
  sweep(): Promise<SweepResult>;
  /** Stops renewing and sweeping, waits for the calls under way, and deletes any vhost of this workbook still there. */
  close(): Promise<void>;
}

/** Options of createRunVhosts. */
export interface RunVhostsOptions {
  /** The user the runs log in as (given every permission on each vhost). */
  user: string;
  /** Where the periodic sweep says what it did or could not do. */
  log: (line: string) => void;
  /** This workbook as vhost marks name it; a new one unless given. */
  owner?: VhostOwner;
  /** Lease length, how often leases are renewed and leftovers swept, the longest wait for a turn, in ms (shorter in tests). */
  timing?: typeof TIMING;
}

type Priority = 0 | 1 | 2;
const DELETE: Priority = 0;
const CREATE: Priority = 1;
const RENEW: Priority = 2;

interface Call {
  priority: Priority;
  start: () => void;
}

/** The run vhosts of one workbook on the RabbitMQ behind `api`. */
export function createRunVhosts(api: ManagementApi, options: RunVhostsOptions): RunVhosts {
  const owner = options.owner ?? newOwner();
  const timing = options.timing ?? TIMING;
  /** Vhosts of this workbook from before their PUT until their DELETE is answered; a renewal under way for each. */
  const inUse = new Map<string, { open: boolean; renewal: Promise<void> }>();
  const waiting: Call[] = [];
  const underWay = new Set<Promise<unknown>>();
  let inFlight = 0;
  let sweeping: Promise<SweepResult> | undefined;
  let closed = false;

  /**
   * Runs `work` when a slot is free, the highest priority first. It never starts once `signal` has fired
   * (RunStoppedError), nor after waiting `maxWaitMs` for its turn (a ManagementApiError saying so).
   */
  function queue<T>(priority: Priority, work: () => Promise<T>, options: { signal?: AbortSignal; maxWaitMs?: number } = {}): Promise<T> {
    const { signal, maxWaitMs } = options;
    const result = new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const call: Call = {
        priority,
        start() {
          signal?.removeEventListener('abort', stopped);
          clearTimeout(timer);
          inFlight += 1;
          work()
            .then(resolve, reject)
            .finally(() => {
              inFlight -= 1;
              next();
            });
        },
      };
      const withdraw = (error: Error): void => {
        const at = waiting.indexOf(call);
        if (at < 0) return;
        waiting.splice(at, 1);
        signal?.removeEventListener('abort', stopped);
        clearTimeout(timer);
        reject(error);
      };
      const stopped = (): void => withdraw(new RunStoppedError());
      if (signal?.aborted) {
        reject(new RunStoppedError());
        return;
      }
      signal?.addEventListener('abort', stopped, { once: true });
      if (maxWaitMs !== undefined) {
        timer = setTimeout(() => {
          const ahead = waiting.indexOf(call) + inFlight;
          withdraw(new ManagementApiError(`waited ${maxWaitMs / 1000} s behind ${ahead} other vhost calls for a turn`, 0));
        }, maxWaitMs);
      }
      const at = waiting.findIndex((other) => other.priority > priority);
      waiting.splice(at < 0 ? waiting.length : at, 0, call);
      next();
    });
    const tracked = result.catch(() => {});
    underWay.add(tracked);
    void tracked.finally(() => underWay.delete(tracked));
    return result;
  }

  function next(): void {
    while (inFlight < IN_FLIGHT && waiting.length > 0) waiting.shift()?.start();
  }

  const metadata = (): { description: string; tags: string[] } => markedMetadata({ owner, leaseUntil: Date.now() + timing.leaseMs });

  /** Deletes `vhost`, again after a pause if RabbitMQ fails to; a vhost that is not there counts as deleted. */
  async function remove(vhost: string): Promise<void> {
    let failure: unknown;
    for (const pause of [0, ...DELETE_RETRY_MS]) {
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
      try {
        await queue(DELETE, () => api.deleteVhost(vhost));
        return;
      } catch (error) {
        if (error instanceof ManagementApiError && error.status === 404) return;
        failure = error;
      }
    }
    throw failure;
  }

  async function renewLeases(): Promise<void> {
    for (const [vhost, state] of inUse) {
      if (!state.open) continue;
      state.renewal = queue(RENEW, async () => {
        // Released while this waited: a PUT now would make the vhost again.
        if (inUse.get(vhost)?.open !== true) return;
        await api.createVhost(vhost, metadata());
      }).catch((error: unknown) => options.log(`Could not renew the lease of vhost '${vhost}': ${messageOf(error)}`));
    }
  }

  async function sweepOnce(): Promise<SweepResult> {
    const result: SweepResult = { deleted: [], failed: [] };
    const now = Date.now();
    for (const vhost of await api.vhosts()) {
      const mark = readMark(vhost);
      if (mark === undefined) continue;
      const leftover = mark.owner.workbook === owner.workbook ? !inUse.has(vhost.name) : ownerHasGone(mark, owner, now);
      if (!leftover) continue;
      try {
        await remove(vhost.name);
        result.deleted.push(vhost.name);
      } catch {
        result.failed.push(vhost.name);
      }
    }
    return result;
  }

  function sweep(): Promise<SweepResult> {
    sweeping ??= sweepOnce().finally(() => {
      sweeping = undefined;
    });
    return sweeping;
  }

  const renewTimer = setInterval(() => void renewLeases(), timing.renewEveryMs).unref();
  const sweepTimer = setInterval(() => {
    sweep().then(
      (result) => {
        if (result.deleted.length + result.failed.length > 0) options.log(describeSweep(result));
      },
      (error: unknown) => options.log(`Could not look for vhosts left behind by Warren runs: ${messageOf(error)}`),
    );
  }, timing.sweepEveryMs).unref();

  return {
    async open(vhost, signal) {
      if (closed) throw new RunStoppedError();
      const state = { open: false, renewal: Promise.resolve() };
      inUse.set(vhost, state);
      const request = { sent: false };
      try {
        await queue(
          CREATE,
          async () => {
            request.sent = true;
            await api.createVhost(vhost, metadata());
            await api.grantAll(vhost, options.user);
          },
          { signal, maxWaitMs: timing.openWaitMs },
        );
        state.open = true;
      } catch (error) {
        // A PUT that failed or went unanswered may still have made the vhost.
        if (request.sent) await remove(vhost).catch(() => {});
        inUse.delete(vhost);
        throw error;
      }
    },
    async release(vhost) {
      const state = inUse.get(vhost);
      if (state === undefined) return;
      state.open = false;
      await state.renewal;
      try {
        await remove(vhost);
      } finally {
        // Gone, or not deletable now: either way no run uses it, so a sweep may delete it.
        inUse.delete(vhost);
      }
    },
    sweep,
    async close() {
      closed = true;
      clearInterval(renewTimer);
      clearInterval(sweepTimer);
      while (underWay.size > 0) await Promise.all([...underWay]);
      try {
        const result = await sweep();
        if (result.failed.length > 0) options.log(describeSweep(result));
      } catch (error) {
        options.log(`Could not look for vhosts left behind by this workbook's runs: ${messageOf(error)}`);
      }
    },
  };
}

/** One line saying what a sweep did. */
export function describeSweep(result: SweepResult, brokerName = 'RabbitMQ'): string {
  const parts: string[] = [];
  if (result.deleted.length > 0) {
    parts.push(`deleted ${plural(result.deleted.length, 'vhost')} left behind by Warren runs (${names(result.deleted)})`);
  }
  if (result.failed.length > 0) {
    parts.push(`could not delete ${names(result.failed)} yet (tried again in a few minutes)`);
  }
  return parts.length === 0 ? `${brokerName}: no vhosts left behind by Warren runs.` : `${brokerName}: ${parts.join('; ')}.`;
}

function names(vhosts: string[]): string {
  const shown = vhosts.slice(0, 5).join(', ');
  return vhosts.length > 5 ? `${shown} and ${vhosts.length - 5} more` : shown;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
