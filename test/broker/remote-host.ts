/**
 * A second host for tests that need a client on a non-loopback address: a
 * network namespace joined to this one by a veth pair, on a /30 of its own.
 * Needs root and iproute2; nothing leaves the machine.
 */
import { execFileSync, spawn } from 'node:child_process';

/** The link between this namespace (hostAddress) and the test's remote host (remoteAddress). */
export interface RemoteHost {
  hostAddress: string;
  remoteAddress: string;
  /** Runs `node --input-type=module -e <script>` inside the remote host; resolves with its stdout. */
  runNode(script: string, cwd: string): Promise<string>;
  remove(): void;
}

/** Why a remote host cannot be made here, or undefined when it can. */
export function remoteHostUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'making a network namespace needs root';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return "iproute2's `ip` command is not installed";
  }
  return undefined;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Creates the namespace and the veth pair; call remove() when done. */
export function createRemoteHost(): RemoteHost {
  const tag = (process.pid % 100_000).toString();
  const namespace = `warren-remote-${tag}`;
  const hostSide = `wrh${tag}`;
  const remoteSide = `wrr${tag}`;
  const hostAddress = '10.213.77.1';
  const remoteAddress = '10.213.77.2';
  ip('netns', 'add', namespace);
  try {
    ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', remoteSide);
    ip('link', 'set', remoteSide, 'netns', namespace);
    ip('addr', 'add', `${hostAddress}/30`, 'dev', hostSide);
    ip('link', 'set', hostSide, 'up');
    ip('-n', namespace, 'addr', 'add', `${remoteAddress}/30`, 'dev', remoteSide);
    ip('-n', namespace, 'link', 'set', remoteSide, 'up');
    ip('-n', namespace, 'link', 'set', 'lo', 'up');
  } catch (error) {
    ip('netns', 'del', namespace);
    throw error;
  }
  return {
    hostAddress,
    remoteAddress,
    runNode: (script, cwd) =>
      new Promise((resolve, reject) => {
        const child = spawn('ip', ['netns', 'exec', namespace, process.execPath, '--input-type=module', '-e', script], { cwd });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`remote node exited ${code}: ${stderr}`))));
      }),
    remove: () => {
      try {
        ip('link', 'del', hostSide);
      } catch {
        // deleting the namespace below removes the pair too
      }
      ip('netns', 'del', namespace);
    },
  };
}
