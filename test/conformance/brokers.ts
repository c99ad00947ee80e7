// The two brokers every conformance case runs against, and the per-test
// scope that keeps cases from seeing each other's queues and exchanges.
//
// CONFORMANCE_BROKERS picks the legs (default "embedded,rabbitmq").
// AMQP_URL points the RabbitMQ leg elsewhere (default the local RabbitMQ).
// An unreachable RabbitMQ skips its leg with a notice, except under CI=true,
// where the leg runs and fails.
import { randomBytes } from 'node:crypto';
import { connect as openSocket } from 'node:net';
import amqp from 'amqplib';
import type { Channel, ChannelModel, ConfirmChannel, Options } from 'amqplib';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import { embeddedAdmin, rabbitAdmin, type AccessAdmin, type Patterns } from './access-admin.js';
import { RawAmqpClient } from './raw-amqp.js';
import { rabbitmqctlProblem, raiseRabbitMemoryAlarm } from './rabbitmqctl.js';

/** Who logs in where; anything left out is the case's own user and vhost. */
export interface ConnectOptions {
  username?: string;
  password?: string;
  vhost?: string;
}

/** Which broker a leg talks to. */
export type BrokerKind = 'embedded' | 'rabbitmq';

/** Everything a case may use to talk to the broker of its leg. */
export interface BrokerUnderTest {
  readonly kind: BrokerKind;
  /** amqp URL of this case's broker and vhost (valid inside tests and hooks). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The vhost this case runs in. */
  readonly vhost: string;
  /** A queue or exchange name no other case or run uses: `<run>-<case>-<base>`. */
  name(base: string): string;
  /** Opens a connection of its own that is closed after the case. */
  connect(options?: ConnectOptions): Promise<ChannelModel>;
  /** Opens a channel on the case's shared connection; its close reason is kept for channelClosedWith(). */
  channel(): Promise<Channel>;
  /** Opens a confirm-mode channel on the case's shared connection. */
  confirmChannel(): Promise<ConfirmChannel>;
  /** Opens a raw socket to the broker, destroyed after the case. */
  raw(): Promise<RawAmqpClient>;
  /** The user, password and vhost cases log in with. */
  credentials(): { username: string; password: string; vhost: string };
  /** Declares a uniquely named queue that is deleted after the case; returns its name. */
  queue(base: string, options?: Options.AssertQueue): Promise<string>;
  /** Declares a uniquely named exchange that is deleted after the case; returns its name. */
  exchange(base: string, type: string, options?: Options.AssertExchange): Promise<string>;
  /** Marks a queue declared some other way for deletion after the case. */
  forgetQueueAfter(name: string): void;
  /** Marks an exchange declared some other way for deletion after the case. */
  forgetExchangeAfter(name: string): void;
  /**
   * Sets off the broker's memory alarm (the embedded broker's limit set to
   * 0; RabbitMQ's watermark set to half of what it uses, with rabbitmqctl
   * set_vm_memory_high_watermark absolute) and returns what clears it (the
   * limit put back), which also runs after the case. On RabbitMQ this blocks
   * every publisher on the node, other tests' too, so only cases in
   * test/restart/ use it. Null, with a notice, where RabbitMQ cannot be
   * reached with rabbitmqctl (outside CI).
   */
  raiseMemoryAlarm(): Promise<(() => Promise<void>) | null>;
  /** Makes a vhost of the case's own (guest may do everything in it), deleted after the case; returns its name. */
  vhostOfItsOwn(): Promise<string>;
  /** Makes a user of the case's own, with a random name and these permissions, deleted after the case. */
  userOfItsOwn(permissions: (Patterns & { vhost: string })[], tags?: string[]): Promise<{ username: string; password: string }>;
  /** Changes the permissions of a user the case made. */
  setPermissions(username: string, vhost: string, patterns: Patterns): Promise<void>;
}

const rabbitUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const underCi = process.env.CI === 'true';
const runId = randomBytes(3).toString('hex');
// Counts cases across every block of the run, so no two share a name prefix.
let casesStarted = 0;

/** The legs selected by CONFORMANCE_BROKERS, in a stable order. */
export function selectedBrokers(): BrokerKind[] {
  const wanted = (process.env.CONFORMANCE_BROKERS ?? 'embedded,rabbitmq').split(',').map((s) => s.trim());
  const unknown = wanted.filter((w) => w !== 'embedded' && w !== 'rabbitmq');
  if (unknown.length > 0) {
    throw new Error(`CONFORMANCE_BROKERS has ${unknown.join(', ')}; allowed: embedded, rabbitmq`);
  }
  return (['embedded', 'rabbitmq'] as const).filter((kind) => wanted.includes(kind));
}

/** Why RabbitMQ cannot be used, or null when an AMQP handshake with it succeeds. */
async function rabbitUnreachableReason(): Promise<string | null> {
  const { hostname, port } = new URL(rabbitUrl);
  const tcpError = await new Promise<string | null>((resolve) => {
    const socket = openSocket({ host: hostname, port: Number(port || 5672) });
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve('TCP connect timed out');
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('error', (err) => resolve(err.message));
  });
  if (tcpError !== null) return tcpError;
  try {
    const connection = await amqp.connect(rabbitUrl, { timeout: 3000, noDelay: true });
    await connection.close();
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** The RabbitMQ URL without its password, for messages. */
const rabbitWhere = rabbitUrl.replace(/\/\/[^@]*@/, '//');
const wantsRabbit = selectedBrokers().includes('rabbitmq');
const rabbitProblem = wantsRabbit ? await rabbitUnreachableReason() : null;
if (rabbitProblem !== null && !underCi) {
  console.warn(`[conformance] RabbitMQ leg skipped: ${rabbitWhere} is not reachable (${rabbitProblem})`);
}

/**
 * The running broker of one leg and how its cases stay apart: the embedded
 * broker gives each case a fresh vhost, thrown away with the broker; on the
 * shared RabbitMQ cases use run-unique names and delete what they declared.
 */
interface LegBroker {
  host: string;
  port: number;
  username: string;
  password: string;
  /** The vhost for a new case. */
  vhostFor(caseNumber: number): string;
  /** Whether a case must delete its queues and exchanges when it ends. */
  deletesAfterEachCase: boolean;
  /** Sets off the memory alarm and returns what clears it, or null when this leg cannot. */
  raiseMemoryAlarm(): Promise<(() => Promise<void>) | null>;
  /** Makes and deletes users, vhosts and permissions. */
  admin: AccessAdmin;
  close(): Promise<void>;
}

async function startEmbeddedLeg(): Promise<LegBroker> {
  const { startBroker } = await import('../../server/broker/index.js');
  const broker = await startBroker({ host: '127.0.0.1', port: 0 });
  return {
    host: broker.host,
    port: broker.port,
    username: 'guest',
    password: 'guest',
    vhostFor(caseNumber) {
      const vhost = `case-${caseNumber}`;
      broker.addVhost(vhost);
      return vhost;
    },
    deletesAfterEachCase: false,
    admin: embeddedAdmin(broker),
    raiseMemoryAlarm: async () => {
      const limit = broker.memory().limit;
      broker.setMemoryLimit(0);
      return async () => {
        broker.setMemoryLimit(limit);
      };
    },
    close: () => broker.close(),
  };
}

/** Whether rabbitmqctl reaches the RabbitMQ under test, asked once, when a case first needs it. */
let rabbitmqctlChecked: Promise<string | null> | undefined;

async function raiseRabbitAlarmIfPossible(): Promise<(() => Promise<void>) | null> {
  rabbitmqctlChecked ??= rabbitmqctlProblem(rabbitUrl);
  const problem = await rabbitmqctlChecked;
  if (problem === null) return raiseRabbitMemoryAlarm();
  if (underCi) throw new Error(`cannot set off RabbitMQ's memory alarm under CI=true: ${problem}`);
  console.warn(`[conformance] memory alarm case skipped on RabbitMQ: ${problem}`);
  return null;
}

async function startRabbitLeg(): Promise<LegBroker> {
  if (rabbitProblem !== null) {
    throw new Error(`RabbitMQ at ${rabbitWhere} is not reachable under CI=true: ${rabbitProblem}`);
  }
  const url = new URL(rabbitUrl);
  const vhost = decodeURIComponent(url.pathname.slice(1)) || '/';
  return {
    host: url.hostname,
    port: Number(url.port || 5672),
    username: decodeURIComponent(url.username || 'guest'),
    password: decodeURIComponent(url.password || 'guest'),
    vhostFor: () => vhost,
    deletesAfterEachCase: true,
    admin: rabbitAdmin(rabbitUrl),
    raiseMemoryAlarm: raiseRabbitAlarmIfPossible,
    close: async () => {},
  };
}

/** Builds an amqp URL; the vhost is always spelled out so "/" is not lost. */
export function amqpUrl(host: string, port: number, username: string, password: string, vhost: string): string {
  const user = `${encodeURIComponent(username)}:${encodeURIComponent(password)}`;
  return `amqp://${user}@${host}:${port}/${encodeURIComponent(vhost)}`;
}

/** One case's connections and declarations, torn down when the case ends. */
class CaseScope implements BrokerUnderTest {
  private readonly connections: ChannelModel[] = [];
  private readonly rawClients: RawAmqpClient[] = [];
  private readonly queues = new Set<string>();
  private readonly exchanges = new Set<string>();
  /** The connection channel() and the declare helpers share, reopened if the broker closed it. */
  private shared: Promise<ChannelModel> | undefined;
  /** Clears a memory alarm the case set off, if it is still on. */
  private clearMemoryAlarm: (() => Promise<void>) | undefined;
  /** Users and vhosts the case made, deleted when it ends. */
  private readonly ownUsers: string[] = [];
  private readonly ownVhosts: string[] = [];

  constructor(
    readonly kind: BrokerKind,
    private readonly leg: LegBroker,
    readonly vhost: string,
    private readonly prefix: string,
  ) {}

  get url(): string {
    return amqpUrl(this.leg.host, this.leg.port, this.leg.username, this.leg.password, this.vhost);
  }
  get host(): string {
    return this.leg.host;
  }
  get port(): number {
    return this.leg.port;
  }

  name(base: string): string {
    return `${this.prefix}${base}`;
  }

  async connect(options: ConnectOptions = {}): Promise<ChannelModel> {
    const connection = await this.open(options);
    this.connections.push(connection);
    return connection;
  }

  private async open(options: ConnectOptions = {}): Promise<ChannelModel> {
    const url = amqpUrl(
      this.leg.host,
      this.leg.port,
      options.username ?? this.leg.username,
      options.password ?? this.leg.password,
      options.vhost ?? this.vhost,
    );
    const connection = await amqp.connect(url, { timeout: 3000, noDelay: true });
    // A server-closed connection emits 'error'; cases observe it through
    // connectionClosedWith() in observe.ts, so an unheard one must not crash the run.
    connection.on('error', () => {});
    return connection;
  }

  async channel(): Promise<Channel> {
    return keepErrors(await (await this.sharedConnection()).createChannel());
  }

  async confirmChannel(): Promise<ConfirmChannel> {
    return keepErrors(await (await this.sharedConnection()).createConfirmChannel());
  }

  async raw(): Promise<RawAmqpClient> {
    const client = await RawAmqpClient.connect(this.leg.host, this.leg.port);
    this.rawClients.push(client);
    return client;
  }

  credentials(): { username: string; password: string; vhost: string } {
    return { username: this.leg.username, password: this.leg.password, vhost: this.vhost };
  }

  async queue(base: string, options?: Options.AssertQueue): Promise<string> {
    const name = this.name(base);
    this.queues.add(name);
    const channel = await this.channel();
    await channel.assertQueue(name, options);
    await channel.close();
    return name;
  }

  async exchange(base: string, type: string, options?: Options.AssertExchange): Promise<string> {
    const name = this.name(base);
    this.exchanges.add(name);
    const channel = await this.channel();
    await channel.assertExchange(name, type, options);
    await channel.close();
    return name;
  }

  forgetQueueAfter(name: string): void {
    this.queues.add(name);
  }

  forgetExchangeAfter(name: string): void {
    this.exchanges.add(name);
  }

  async raiseMemoryAlarm(): Promise<(() => Promise<void>) | null> {
    const clear = await this.leg.raiseMemoryAlarm();
    this.clearMemoryAlarm = clear ?? undefined;
    return clear;
  }

  async vhostOfItsOwn(): Promise<string> {
    const vhost = this.name(`vhost-${randomBytes(3).toString('hex')}`);
    this.ownVhosts.push(vhost);
    await this.leg.admin.addVhost(vhost);
    return vhost;
  }

  async userOfItsOwn(permissions: (Patterns & { vhost: string })[], tags: string[] = []): Promise<{ username: string; password: string }> {
    const username = this.name(`user-${randomBytes(3).toString('hex')}`);
    const password = randomBytes(9).toString('base64url');
    this.ownUsers.push(username);
    await this.leg.admin.addUser(username, password, tags);
    for (const { vhost, ...patterns } of permissions) await this.leg.admin.setPermissions(username, vhost, patterns);
    return { username, password };
  }

  async setPermissions(username: string, vhost: string, patterns: Patterns): Promise<void> {
    if (!this.ownUsers.includes(username)) throw new Error(`a case may only change the permissions of users it made, not '${username}'`);
    await this.leg.admin.setPermissions(username, vhost, patterns);
  }

  /** Clears the alarm first (nothing else could publish meanwhile), closes the case's own connections (so exclusive queues go), then deletes what it declared, and the users and vhosts it made. */
  async tearDown(): Promise<void> {
    try {
      await this.clearMemoryAlarm?.();
      for (const client of this.rawClients) client.end();
      const own = this.connections.splice(0);
      await Promise.all(own.map((c) => c.close().catch(() => {})));
      if (this.leg.deletesAfterEachCase && (this.queues.size > 0 || this.exchanges.size > 0)) {
        const channel = await this.channel();
        for (const queue of this.queues) await channel.deleteQueue(queue);
        for (const exchange of this.exchanges) await channel.deleteExchange(exchange);
      }
      if (this.shared !== undefined) await (await this.shared).close().catch(() => {});
    } finally {
      await this.deleteOwnUsersAndVhosts();
    }
  }

  /** Runs even when the rest of the tear-down failed, so nothing made for the case is left on RabbitMQ. */
  private async deleteOwnUsersAndVhosts(): Promise<void> {
    const problems: unknown[] = [];
    for (const user of this.ownUsers.splice(0)) await this.leg.admin.deleteUser(user).catch((error: unknown) => problems.push(error));
    for (const vhost of this.ownVhosts.splice(0)) await this.leg.admin.deleteVhost(vhost).catch((error: unknown) => problems.push(error));
    if (problems.length > 0) throw new AggregateError(problems, 'could not delete the users and vhosts the case made');
  }

  private sharedConnection(): Promise<ChannelModel> {
    if (this.shared === undefined) {
      const opening = this.open();
      this.shared = opening;
      opening
        .then((connection) => {
          connection.once('close', () => {
            if (this.shared === opening) this.shared = undefined;
          });
        })
        .catch(() => {
          if (this.shared === opening) this.shared = undefined;
        });
    }
    return this.shared;
  }
}

const channelErrors = new WeakMap<Channel, Promise<Error>>();

/** Records the error a channel is closed with, so it can be awaited even if it came first. */
function keepErrors<C extends Channel>(channel: C): C {
  channelErrors.set(channel, new Promise<Error>((resolve) => channel.once('error', resolve)));
  return channel;
}

/** The error a harness channel was (or will be) closed with by the server. */
export function channelError(channel: Channel): Promise<Error> {
  const recorded = channelErrors.get(channel);
  if (recorded === undefined) throw new Error('channelError() needs a channel opened through the broker handle');
  return recorded;
}

/** A handle whose scope is swapped in before each case; cases only use it inside tests. */
function handleFor(current: () => CaseScope): BrokerUnderTest {
  return {
    get kind() {
      return current().kind;
    },
    get url() {
      return current().url;
    },
    get host() {
      return current().host;
    },
    get port() {
      return current().port;
    },
    get vhost() {
      return current().vhost;
    },
    name: (base) => current().name(base),
    connect: (options) => current().connect(options),
    channel: () => current().channel(),
    confirmChannel: () => current().confirmChannel(),
    raw: () => current().raw(),
    credentials: () => current().credentials(),
    queue: (base, options) => current().queue(base, options),
    exchange: (base, type, options) => current().exchange(base, type, options),
    forgetQueueAfter: (name) => current().forgetQueueAfter(name),
    forgetExchangeAfter: (name) => current().forgetExchangeAfter(name),
    raiseMemoryAlarm: () => current().raiseMemoryAlarm(),
    vhostOfItsOwn: () => current().vhostOfItsOwn(),
    userOfItsOwn: (permissions, tags) => current().userOfItsOwn(permissions, tags),
    setPermissions: (username, vhost, patterns) => current().setPermissions(username, vhost, patterns),
  };
}

/**
 * Declares the same cases once per selected broker: `name [embedded]` and
 * `name [rabbitmq]`. The embedded broker is started on a free port once for
 * the block (one block per file) and closed after it.
 */
export function describeBothBrokers(name: string, cases: (broker: BrokerUnderTest) => void): void {
  for (const kind of selectedBrokers()) {
    const skip = kind === 'rabbitmq' && rabbitProblem !== null && !underCi;
    describe.skipIf(skip)(`${name} [${kind}]`, () => {
      let leg: LegBroker | undefined;
      let scope: CaseScope | undefined;

      beforeAll(async () => {
        leg = kind === 'embedded' ? await startEmbeddedLeg() : await startRabbitLeg();
      });
      afterAll(async () => {
        await leg?.close();
      });
      beforeEach(() => {
        if (leg === undefined) throw new Error(`the ${kind} broker did not start`);
        casesStarted += 1;
        scope = new CaseScope(kind, leg, leg.vhostFor(casesStarted), `w${runId}-${casesStarted}-`);
      });
      afterEach(async () => {
        await scope?.tearDown();
        scope = undefined;
      });

      cases(
        handleFor(() => {
          if (scope === undefined) throw new Error('the broker handle is only usable inside a case');
          return scope;
        }),
      );
    });
  }
}
