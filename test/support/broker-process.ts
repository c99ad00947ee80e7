/** Runs the embedded broker as its own process, the way `npm run broker` does, for benchmarks. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A broker process started for a benchmark. */
export interface BrokerProcess {
  url: string;
  /** The process's resident set size now, in MB. */
  residentMegabytes(): number;
  stop(): Promise<void>;
}

const cli = fileURLToPath(new URL('../../server/broker/cli.ts', import.meta.url));

/** Starts `server/broker/cli.ts --port 0` and waits for the line that says where it listens. */
export function startBrokerProcess(): Promise<BrokerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.once('exit', (code) => reject(new Error(`the broker exited with status ${code} before listening:\n${output}`)));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      const match = /amqp:\/\/[^\s)]+/.exec(output);
      if (match === null) return;
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      const address = new URL(match[0]);
      const url = `amqp://guest:guest@${address.hostname}:${address.port}`;
      resolve({
        url,
        residentMegabytes: () => {
          const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
          const kilobytes = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
          return kilobytes / 1024;
        },
        stop: () =>
          new Promise((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
