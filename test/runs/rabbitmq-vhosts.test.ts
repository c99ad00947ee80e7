/**
 * Per-run vhosts on the local RabbitMQ under load, and the sweep of those a
 * workbook left behind. RabbitMQ here is shared: these tests only count and
 * delete vhosts they made, and check that others are left alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerTarget } from '../../server/broker-connection.js';
import { loadLessons } from '../../server/lessons/index.js';
import { createRunner, type Runner } from '../../server/runs/index.js';
import { ManagementApiError, managementApiFor } from '../../server/runs/management-api.js';
import { createRunVhosts } from '../../server/runs/run-vhosts.js';
import { markedMetadata, newOwner, readMark, type VhostOwner } from '../../server/runs/vhost-owner.js';
import { FIXTURE_LESSONS, RABBIT_URL, rabbitProblem, waitFor, watchRun, type WatchedRun } from './legs.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const skip = rabbitProblem !== null && process.env.CI !== 'true';
const api = managementApiFor(RABBIT_URL);
const rabbit: BrokerTarget = { kind: 'rabbitmq', url: RABBIT_URL, embedded: undefined, close: async () => {} };

/** Names of the vhosts on RabbitMQ now. */
async function vhostNames(): Promise<Set<string>> {
  return new Set((await api.vhosts()).map((vhost) => vhost.name));
}

/** The vhosts of `runs` still on RabbitMQ. */
async function leftBehind(runs: WatchedRun[]): Promise<string[]> {
  const names = await vhostNames();
  return runs.map((run) => `warren-${run.handle.id}`).filter((vhost) => names.has(vhost));
}

/** Vhosts marked as made by a workbook in this process (the runners in these tests run in it). */
async function markedAsOurs(): Promise<string[]> {
  return (await api.vhosts()).filter((vhost) => readMark(vhost)?.owner.pid === process.pid).map((vhost) => vhost.name);
}

describe.skipIf(skip)('run vhosts on RabbitMQ', async () => {
  const lessons = await loadLessons(FIXTURE_LESSONS);
  let runner: Runner;
  beforeAll(() => {
    runner = createRunner({ broker: rabbit, lessons, log: () => {} });
  });
  afterAll(async () => {
    await runner.close();
  });

  it('40 runs started at once all finish, and none leaves its vhost behind', async () => {
    const runs = Array.from({ length: 40 }, (_, n) =>
      watchRun(runner, { lesson: '01-echo', cell: 'three-messages', params: { message: `run ${n}` } }),
    );
    await Promise.all(runs.map((run) => run.handle.done));
    expect(runs.map((run) => run.failure?.explanation).filter((explanation) => explanation !== undefined)).toEqual([]);
    expect(runs.map((run) => run.statuses.at(-1))).toEqual(runs.map(() => 'finished'));
    for (const [n, run] of runs.entries()) expect(run.logs()).toContain(`consumer:  [x] Received 'run ${n} 3'`);
    expect(await leftBehind(runs)).toEqual([]);
  });

  it('runs stopped at every moment of their start leave no vhost behind', async () => {
    // Stopped before anything, while queued for a vhost, while it is made, while connecting, while running.
    const stopAfterMs = [0, 0, 1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500];
    const runs = [...stopAfterMs, ...stopAfterMs].map((ms) => {
      const run = watchRun(runner, { lesson: '01-echo', cell: 'flood', params: { everyMs: 20 } });
      setTimeout(() => void run.handle.stop(), ms);
      return run;
    });
    await Promise.all(runs.map((run) => run.handle.done));
    expect(runs.map((run) => run.statuses.at(-1))).toEqual(runs.map(() => 'stopped'));
    expect(await leftBehind(runs)).toEqual([]);
  });

  it('marks each vhost as made by this workbook while its run goes on', async () => {
    // In step mode a run holds its first frame until told, so it stays in its vhost as long as the test needs.
    const run = watchRun(runner, { lesson: '01-echo', cell: 'three-messages', params: {}, mode: 'step' });
    const vhost = `warren-${run.handle.id}`;
    await waitFor(() => run.statuses.includes('paused'), 30_000);
    const listed = (await api.vhosts()).find((found) => found.name === vhost);
    expect(listed?.tags).toEqual(['warren']);
    expect(listed?.description).toMatch(new RegExp(`^Made by the Warren workbook \\(process ${process.pid} on .+\\) for one run`));
    const mark = listed === undefined ? undefined : readMark(listed);
    expect(mark?.owner).toMatchObject({ workbook: expect.stringMatching(/^[0-9a-f]{16}$/), pid: process.pid });
    expect(mark?.leaseUntil).toBeGreaterThan(Date.now());
    await run.handle.stop();
    expect(await leftBehind([run])).toEqual([]);
  });

  it("a workbook closing leaves another workbook's vhosts alone, in the same process too", async () => {
    const run = watchRun(runner, { lesson: '01-echo', cell: 'three-messages', params: {}, mode: 'step' });
    await waitFor(() => run.statuses.includes('paused'), 30_000);
    const other = createRunner({ broker: rabbit, lessons, log: () => {} });
    await other.sweepLeftovers();
    await other.close();
    expect(await vhostNames()).toContain(`warren-${run.handle.id}`);
    await run.handle.stop();
    expect(await leftBehind([run])).toEqual([]);
  });

  it('leaves no vhost of its own behind once closed', async () => {
    const closing = createRunner({ broker: rabbit, lessons, log: () => {} });
    const runs = Array.from({ length: 4 }, () => watchRun(closing, { lesson: '01-echo', cell: 'flood', params: { everyMs: 50 } }));
    await closing.close();
    expect(runs.map((run) => run.statuses.at(-1))).toEqual(['stopped', 'stopped', 'stopped', 'stopped']);
    expect(await leftBehind(runs)).toEqual([]);
    expect(await markedAsOurs()).toEqual([]);
  });
});

/**
 * The management API behind a proxy that lets one vhost PUT or DELETE through at a time, each after `holdMs`,
 * the way RabbitMQ on a busy machine makes them one by one; a request its caller gave up on still goes through.
 */
async function slowManagement(holdMs: number): Promise<{ url: string; close(): Promise<void> }> {
  let turn = Promise.resolve();
  const server = createServer((request, response) => {
    const body: Buffer[] = [];
    request.on('data', (chunk: Buffer) => body.push(chunk));
    request.on('end', () => {
      const forward = async (): Promise<void> => {
        const answer = await fetch(`http://127.0.0.1:15672${request.url ?? '/'}`, {
          method: request.method,
          headers: { authorization: request.headers.authorization ?? '', 'content-type': 'application/json' },
          body: body.length > 0 ? Buffer.concat(body) : undefined,
        });
        const text = await answer.text();
        if (!response.destroyed) response.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
      };
      const changesVhost = (request.url ?? '').startsWith('/api/vhosts/') && (request.method === 'PUT' || request.method === 'DELETE');
      if (!changesVhost) {
        void forward().catch(() => response.destroy());
        return;
      }
      turn = turn.then(async () => {
        await new Promise((resolve) => setTimeout(resolve, holdMs));
        await forward().catch(() => response.destroy());
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(skip)('run vhosts on a RabbitMQ that makes them slowly', async () => {
  const lessons = await loadLessons(FIXTURE_LESSONS);

  it('runs started together all finish however long the vhosts take, and leave none behind', async () => {
    // 30 vhosts at 150 ms each: the last waits 4.5 s for RabbitMQ, longer than a short timeout would allow.
    const management = await slowManagement(150);
    const runner = createRunner({ broker: rabbit, lessons, managementUrl: management.url, log: () => {} });
    const runs = Array.from({ length: 30 }, () => watchRun(runner, { lesson: '01-echo', cell: 'three-messages', params: {} }));
    try {
      await Promise.all(runs.map((run) => run.handle.done));
      expect(runs.map((run) => run.failure?.explanation).filter((explanation) => explanation !== undefined)).toEqual([]);
      expect(runs.map((run) => run.statuses.at(-1))).toEqual(runs.map(() => 'finished'));
      expect(await leftBehind(runs)).toEqual([]);
    } finally {
      await runner.close();
      await management.close();
      for (const vhost of await leftBehind(runs)) await api.deleteVhost(vhost);
    }
  });
});

describe.skipIf(skip)("a workbook's vhosts over time", () => {
  it('renews the lease of a vhost in use, and its periodic sweep deletes a vhost of its own nobody uses', async () => {
    const owner = newOwner();
    const lines: string[] = [];
    const vhosts = createRunVhosts(api, {
      user: 'guest',
      log: (line) => lines.push(line),
      owner,
      timing: { leaseMs: 60_000, renewEveryMs: 100, sweepEveryMs: 100, openWaitMs: 60_000 },
    });
    const tag = randomBytes(4).toString('hex');
    const inUse = `warren-${tag}-in-use`;
    // As a DELETE RabbitMQ never did would leave it: marked as this workbook's, used by no run.
    const forgotten = `warren-${tag}-forgotten`;
    try {
      await vhosts.open(inUse);
      const leaseOf = async (): Promise<number | undefined> => {
        const listed = (await api.vhosts()).find((vhost) => vhost.name === inUse);
        return listed === undefined ? undefined : readMark(listed)?.leaseUntil;
      };
      const firstLease = (await leaseOf()) ?? 0;
      expect(firstLease).toBeGreaterThan(Date.now());
      await api.createVhost(forgotten, markedMetadata({ owner, leaseUntil: Date.now() + 60_000 }));
      await waitFor(() => lines.some((line) => line.includes(forgotten)), 20_000);
      expect(lines).toContain(`RabbitMQ: deleted 1 vhost left behind by Warren runs (${forgotten}).`);
      expect(await vhostNames()).not.toContain(forgotten);
      let renewed: number | undefined;
      for (let tries = 0; tries < 200 && (renewed ?? 0) <= firstLease; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        renewed = await leaseOf();
      }
      expect(renewed).toBeGreaterThan(firstLease);
      await vhosts.release(inUse);
      expect(await vhostNames()).not.toContain(inUse);
    } finally {
      await vhosts.close();
      for (const name of [inUse, forgotten]) await api.deleteVhost(name).catch(() => {});
    }
  });
});

describe.skipIf(skip)('a RabbitMQ too busy to make vhosts', () => {
  it('fails the runs that waited too long for their turn, saying so, and leaves none of the vhosts behind', async () => {
    const management = await slowManagement(500);
    const vhosts = createRunVhosts(managementApiFor(RABBIT_URL, management.url), {
      user: 'guest',
      log: () => {},
      timing: { leaseMs: 60_000, renewEveryMs: 60_000, sweepEveryMs: 60_000, openWaitMs: 300 },
    });
    const names = Array.from({ length: 4 }, (_, n) => `warren-${randomBytes(4).toString('hex')}-busy-${n}`);
    try {
      const opened = await Promise.allSettled(names.map((name) => vhosts.open(name)));
      // Two calls go at once; the two behind them give up after 300 ms, before RabbitMQ is asked.
      expect(opened.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
      const refusal = opened[2]?.status === 'rejected' ? (opened[2].reason as Error) : undefined;
      expect(refusal).toBeInstanceOf(ManagementApiError);
      expect(refusal?.message).toMatch(/^waited 0\.3 s behind [1-3] other vhost calls for a turn$/);
      const present = await vhostNames();
      expect(names.map((name) => present.has(name))).toEqual([true, true, false, false]);
      for (const name of names.slice(0, 2)) await vhosts.release(name);
      const after = await vhostNames();
      expect(names.filter((name) => after.has(name))).toEqual([]);
    } finally {
      await vhosts.close();
      await management.close();
      for (const name of names) await api.deleteVhost(name).catch(() => {});
    }
  });
});

/** A process that stands in for another workbook: it works out its identity as a workbook does and prints it. */
async function startOwner(): Promise<{ child: ChildProcess; owner: VhostOwner }> {
  const script = `const { newOwner } = await import(${JSON.stringify(`${ROOT}server/runs/vhost-owner.ts`)});
console.log(JSON.stringify(newOwner()));
setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const owner = await new Promise<VhostOwner>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('\n')) resolve(JSON.parse(output) as VhostOwner);
    });
    child.once('exit', (code) => reject(new Error(`the owner process exited with ${code}`)));
  });
  return { child, owner };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe.skipIf(skip)('the sweep at start-up', () => {
  const tag = randomBytes(4).toString('hex');
  const made: string[] = [];
  const children: ChildProcess[] = [];
  const hour = 60 * 60_000;

  async function makeVhost(name: string, metadata?: { description: string; tags: string[] }): Promise<string> {
    made.push(name);
    await api.createVhost(name, metadata);
    return name;
  }

  afterEach(async () => {
    for (const child of children.splice(0)) await stopProcess(child);
    for (const name of made.splice(0)) await api.deleteVhost(name).catch(() => {});
  });

  it("deletes the vhosts of workbooks that have gone, and leaves live workbooks' vhosts and everyone else's alone", async () => {
    const live = await startOwner();
    children.push(live.child);
    const killed = await startOwner();
    children.push(killed.child);
    await stopProcess(killed.child);
    const elsewhere = (owner: VhostOwner): VhostOwner => ({ ...owner, pidSpace: 'linux:another-machine:pid:[1]', host: 'another-machine' });

    // Gone: killed with a lease hours from running out; elsewhere with its lease over.
    const killedOwners = await makeVhost(`warren-${tag}-killed`, markedMetadata({ owner: killed.owner, leaseUntil: Date.now() + hour }));
    const expired = await makeVhost(
      `warren-${tag}-expired`,
      markedMetadata({ owner: elsewhere(live.owner), leaseUntil: Date.now() - 1000 }),
    );
    // Gone too: a workbook whose pid the system has since given to another process (it started at another time).
    const reused = await makeVhost(
      `warren-${tag}-reused`,
      markedMetadata({ owner: { ...live.owner, started: String(Number(live.owner.started) - 1) }, leaseUntil: Date.now() + hour }),
    );
    // Alive: a running workbook here, even with its lease over; one elsewhere whose lease holds.
    const liveOwners = await makeVhost(`warren-${tag}-live`, markedMetadata({ owner: live.owner, leaseUntil: Date.now() - 1000 }));
    const leased = await makeVhost(
      `warren-${tag}-leased`,
      markedMetadata({ owner: elsewhere(killed.owner), leaseUntil: Date.now() + hour }),
    );
    // Not Warren's: no mark; Warren's tag without a mark; a mark on a vhost not named as Warren names its vhosts.
    const plain = await makeVhost(`warren-${tag}-plain`);
    const tagOnly = await makeVhost(`warren-${tag}-tag-only`, { description: 'tagged by hand', tags: ['warren'] });
    const otherName = await makeVhost(`other-${tag}`, markedMetadata({ owner: killed.owner, leaseUntil: Date.now() - hour }));

    const workbook = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, AMQP_URL: RABBIT_URL, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(workbook);
    let output = '';
    workbook.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    workbook.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        if (/RabbitMQ: (deleted|no vhosts)/.test(output)) resolve();
        else if (workbook.exitCode !== null) reject(new Error(`the workbook exited:\n${output}`));
        else return;
        clearInterval(check);
      }, 50);
    });

    const names = await vhostNames();
    expect([killedOwners, expired, reused].filter((name) => names.has(name))).toEqual([]);
    expect([liveOwners, leased, plain, tagOnly, otherName].filter((name) => !names.has(name))).toEqual([]);
    const exited = new Promise((resolve) => workbook.once('exit', resolve));
    workbook.kill('SIGTERM');
    await exited;
  });
});
