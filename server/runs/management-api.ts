/**
 * The few calls of RabbitMQ's management HTTP API a run needs: make, mark,
 * list and delete vhosts, grant its user access, list queues, exchanges
 * and bindings, and export a vhost's definitions. It usually answers at the
 * AMQP host on port 15672 (15671 for amqps), and always takes the AMQP URL's credentials.
 *
 * RabbitMQ makes vhosts one at a time, and a PUT it has accepted completes
 * even when the caller has given up waiting, so vhost calls wait much longer
 * than the others: giving up early is how a vhost gets made with nobody left
 * to delete it.
 */

/** A failed call: the HTTP status (0 when nothing answered) and what was said. */
export class ManagementApiError extends Error {
  readonly status: number;

  constructor(message: string, status: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ManagementApiError';
    this.status = status;
  }
}

/** A queue as GET /api/queues/<vhost> lists it (only the fields used). */
export interface ManagedQueue {
  name: string;
  durable: boolean;
  exclusive?: boolean;
  auto_delete: boolean;
  messages_ready?: number;
  messages_unacknowledged?: number;
  consumers?: number;
}

/** An exchange as GET /api/exchanges/<vhost> lists it. */
export interface ManagedExchange {
  name: string;
  type: string;
  durable: boolean;
  auto_delete: boolean;
  internal: boolean;
}

/** A binding as GET /api/bindings/<vhost> lists it. */
export interface ManagedBinding {
  source: string;
  destination: string;
  destination_type: 'queue' | 'exchange';
  routing_key: string;
  arguments: Record<string, unknown>;
}

/** A per-vhost definitions export as GET /api/definitions/<vhost> gives it (only the fields used; exclusive queues are left out). */
export interface ManagedDefinitions {
  rabbit_version?: string;
  queues?: { name: string; durable: boolean; auto_delete: boolean; arguments: Record<string, unknown> }[];
  exchanges?: (ManagedExchange & { arguments: Record<string, unknown> })[];
  bindings?: ManagedBinding[];
}

/** A vhost as GET /api/vhosts lists it: its name and the description and tags it was made with. */
export interface ManagedVhost {
  name: string;
  description: string;
  tags: string[];
}

/** The management API of the RabbitMQ an AMQP URL points at. */
export interface ManagementApi {
  /** Who the URL's user is, and its tags ('administrator' may create vhosts). */
  whoami(): Promise<{ name: string; tags: string[] }>;
  /** Makes `vhost`, or changes its description and tags if it exists (RabbitMQ's PUT does both). */
  createVhost(vhost: string, metadata?: { description: string; tags: string[] }): Promise<void>;
  vhosts(): Promise<ManagedVhost[]>;
  /** Gives `user` configure, write and read on every name in `vhost`. */
  grantAll(vhost: string, user: string): Promise<void>;
  deleteVhost(vhost: string): Promise<void>;
  queues(vhost: string): Promise<ManagedQueue[]>;
  exchanges(vhost: string): Promise<ManagedExchange[]>;
  bindings(vhost: string): Promise<ManagedBinding[]>;
  /** What GET /api/definitions/<vhost> gives: the vhost's definitions as a per-vhost export file. */
  definitions(vhost: string): Promise<ManagedDefinitions>;
}

/** How long a listing or a grant may take. */
const TIMEOUT_MS = 15_000;
/** How long making or deleting a vhost may take: RabbitMQ does them one at a time, so a busy one queues them. */
export const VHOST_TIMEOUT_MS = 60_000;

/** The management API of the RabbitMQ at `amqpUrl`: at `managementUrl` when given, else beside it on port 15672 (15671 for amqps). */
export function managementApiFor(amqpUrl: string, managementUrl?: string): ManagementApi {
  const url = new URL(amqpUrl);
  const base =
    managementUrl !== undefined
      ? `${managementUrl.replace(/\/+$/, '')}/api`
      : `${url.protocol === 'amqps:' ? 'https' : 'http'}://${url.hostname}:${url.protocol === 'amqps:' ? 15671 : 15672}/api`;
  const user = decodeURIComponent(url.username || 'guest');
  const password = decodeURIComponent(url.password || 'guest');
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  async function call(method: string, path: string, body?: unknown, timeoutMs = TIMEOUT_MS): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      throw new ManagementApiError(`${method} ${base}${path}: ${cause instanceof Error ? cause.message : String(cause)}`, 0, { cause });
    }
    const text = await response.text();
    if (!response.ok) {
      throw new ManagementApiError(`${method} ${base}${path}: ${response.status} ${text.slice(0, 200)}`, response.status);
    }
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }

  const vhostPath = (vhost: string): string => encodeURIComponent(vhost);
  return {
    async whoami() {
      const answer = (await call('GET', '/whoami')) as { name: string; tags: string | string[] };
      return { name: answer.name, tags: tagList(answer.tags) };
    },
    async createVhost(vhost, metadata) {
      // Tags as a comma-separated string: the form every RabbitMQ 3.x accepts.
      const body = metadata === undefined ? {} : { description: metadata.description, tags: metadata.tags.join(',') };
      await call('PUT', `/vhosts/${vhostPath(vhost)}`, body, VHOST_TIMEOUT_MS);
    },
    async vhosts() {
      const listed = (await call('GET', '/vhosts?columns=name,description,tags,metadata')) as ListedVhost[];
      // RabbitMQ 3.10 gives description and tags at the top level (and in metadata); later versions in metadata.
      return listed.map((vhost) => ({
        name: vhost.name,
        description: vhost.description ?? vhost.metadata?.description ?? '',
        tags: tagList(vhost.tags ?? vhost.metadata?.tags ?? []),
      }));
    },
    async grantAll(vhost, grantee) {
      const everything = { configure: '.*', write: '.*', read: '.*' };
      await call('PUT', `/permissions/${vhostPath(vhost)}/${encodeURIComponent(grantee)}`, everything, VHOST_TIMEOUT_MS);
    },
    async deleteVhost(vhost) {
      await call('DELETE', `/vhosts/${vhostPath(vhost)}`, undefined, VHOST_TIMEOUT_MS);
    },
    queues: async (vhost) => (await call('GET', `/queues/${vhostPath(vhost)}`)) as ManagedQueue[],
    exchanges: async (vhost) => (await call('GET', `/exchanges/${vhostPath(vhost)}`)) as ManagedExchange[],
    bindings: async (vhost) => (await call('GET', `/bindings/${vhostPath(vhost)}`)) as ManagedBinding[],
    definitions: async (vhost) => (await call('GET', `/definitions/${vhostPath(vhost)}`)) as ManagedDefinitions,
  };
}

/** A vhost as GET /api/vhosts gives it, in any RabbitMQ version. */
interface ListedVhost {
  name: string;
  description?: string;
  tags?: string | string[];
  metadata?: { description?: string; tags?: string | string[] };
}

/** Tags as a list: RabbitMQ 3.x gives a user's tags as a comma-separated string, later versions and vhosts as a list. */
function tagList(tags: string | string[]): string[] {
  return Array.isArray(tags) ? tags : tags.split(',').filter((tag) => tag !== '');
}
