/**
 * Another machine on this one: a network namespace joined to this one by a
 * veth pair, on a /30 of its own. A program started in it connects from the
 * namespace's address, as a program on another host of the network would;
 * nothing leaves the machine. Making one needs root and iproute2's `ip`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';

/** The link between this host (hostAddress) and the other machine (remoteAddress). */
export interface AnotherMachine {
  /** The namespace's name, for `ip netns exec`. */
  readonly namespace: string;
  /** This host's end of the link: what the other machine connects to. */
  readonly hostAddress: string;
  /** The other machine's address: where its connections come from. */
  readonly remoteAddress: string;
  /** The command line that runs `file args` on the other machine. */
  readonly command: (file: string, args: readonly string[]) => { file: string; args: string[] };
  /** Runs `node --input-type=module -e <script>` on the other machine; resolves with its stdout. */
  runNode(script: string, cwd: string): Promise<string>;
  /** Deletes the namespace and the link; safe to call twice. */
  remove(): void;
}

/** Why another machine cannot be made here, or undefined when it can. */
export function anotherMachineUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces exist on Linux only';
  if (process.getuid?.() !== 0) return 'making a network namespace needs root, and the workbook does not run as root';
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

/**
 * Creates the namespace and the veth pair, on a /30 picked at random in
 * 10.213.0.0/16 so machines made at the same time do not share addresses;
 * call remove() when done.
 */
export function createAnotherMachine(): AnotherMachine {
  const tag = randomInt(0x1000000).toString(16).padStart(6, '0');
  const namespace = `warren-${tag}`;
  // Interface names are at most 15 characters.
  const hostSide = `wrh${tag}`;
  const remoteSide = `wrr${tag}`;
  const subnet = randomInt(1 << 14) * 4;
  const address = (offset: number): string => `10.213.${(subnet + offset) >> 8}.${(subnet + offset) & 255}`;
  const hostAddress = address(1);
  const remoteAddress = address(2);
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
    removeLink(hostSide, namespace);
    throw error;
  }
  const command = (file: string, args: readonly string[]) => ({ file: 'ip', args: ['netns', 'exec', namespace, file, ...args] });
  let removed = false;
  return {
    namespace,
    hostAddress,
    remoteAddress,
    command,
    runNode: (script, cwd) =>
      new Promise((resolve, reject) => {
        const run = command(process.execPath, ['--input-type=module', '-e', script]);
        const child = spawn(run.file, run.args, { cwd });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`remote node exited ${code}: ${stderr}`))));
      }),
    remove: () => {
      if (removed) return;
      removed = true;
      removeLink(hostSide, namespace);
    },
  };
}

function removeLink(hostSide: string, namespace: string): void {
  try {
    ip('link', 'del', hostSide);
  } catch {
    // Deleting the namespace below removes the pair too.
  }
  try {
    ip('netns', 'del', namespace);
  } catch {
    // Already gone.
  }
}
