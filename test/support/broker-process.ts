/** Runs the embedded broker as its own process, the way `npm run broker` does, for benchmarks. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A broker process started for a benchmark. */
export interface BrokerProcess {
  url: string;
  /** The process's resident set size now, in MB. */
  residentMegabytes(): number;
  /** The largest resident set size the process has had so far, in MB. */
  peakResidentMegabytes(): number;
  /** What it has printed on stdout so far. */
  output(): string;
  stop(): Promise<void>;
  /** Kills it with SIGKILL, as a crash would, and resolves once it has gone. */
  kill(): Promise<void>;
}

const cli = fileURLToPath(new URL('../../server/broker/cli.ts', import.meta.url));

/**
 * Starts `server/broker/cli.ts --port 0` (and any other flags) and waits
 * for the line that says where it listens. Without --data-dir it keeps
 * nothing (--in-memory), so it never touches the user's data directory.
 */
export function startBrokerProcess(flags: string[] = []): Promise<BrokerProcess> {
  const storage = flags.includes('--data-dir') || flags.includes('--in-memory') ? [] : ['--in-memory'];
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', ...storage, ...flags], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  /** A figure from /proc/<pid>/status (VmRSS now, VmHWM the peak), in MB. */
  const statusMegabytes = (field: 'VmRSS' | 'VmHWM'): number => {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kilobytes = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return kilobytes / 1024;
  };
  const ended = (signal: NodeJS.Signals): Promise<void> =>
    new Promise((done) => {
      child.removeAllListeners('exit');
      if (child.exitCode !== null || child.signalCode !== null) {
        done();
        return;
      }
      child.once('exit', () => done());
      child.kill(signal);
    });
  return new Promise((resolve, reject) => {
    let output = '';
    child.once('exit', (code) => reject(new Error(`the broker exited with status ${code} before listening:\n${output}`)));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      const match = /amqp:\/\/[^\s)]+/.exec(output);
      if (match === null) return;
      child.stdout.removeAllListeners('data');
      child.stdout.on('data', (more: string) => {
        output += more;
      });
      const address = new URL(match[0]);
      const url = `amqp://guest:guest@${address.hostname}:${address.port}`;
      resolve({
        url,
        residentMegabytes: () => statusMegabytes('VmRSS'),
        peakResidentMegabytes: () => statusMegabytes('VmHWM'),
        output: () => output,
        stop: () => ended('SIGTERM'),
        kill: () => ended('SIGKILL'),
      });
    });
  });
}
