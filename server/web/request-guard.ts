/**
 * Decides whether a request may reach the JSON API or become a workbook
 * WebSocket. Both answer only pages served by this server: the Host header
 * must name this server (which defeats DNS rebinding: a page of another site
 * whose name now points here still sends its own name) and a browser's Origin
 * must be this same server (which stops other sites' pages, whose requests
 * the browser would send anyway).
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** The path the workbook's WebSocket lives at. */
export const SOCKET_PATH = '/ws';

/** Names a loopback server also answers to. */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Addresses that mean "every interface": whoever can reach the port chose to. */
const WILDCARD_NAMES = new Set(['0.0.0.0', '[::]']);

/** Where the server listens, as the Host header would spell it. */
export interface ServerAddress {
  host: string;
  port: number;
}

/** Either the request may go ahead, or the HTTP status and reason to refuse it with. */
export type RequestVerdict = { ok: true } | { ok: false; status: 403 | 404; reason: string };

/** Checks path, Host and Origin of an upgrade request. */
export function checkUpgrade(request: IncomingMessage, server: ServerAddress): RequestVerdict {
  const path = (request.url ?? '/').split('?')[0];
  if (path !== SOCKET_PATH) return { ok: false, status: 404, reason: `no WebSocket at ${path}; the workbook's is at ${SOCKET_PATH}` };
  return checkSameServer(request.headers, server);
}

/** Checks that a request names this server in its Host header and, when a browser sent it, comes from this server's pages. */
export function checkSameServer(headers: IncomingHttpHeaders, server: ServerAddress): RequestVerdict {
  const host = headers.host;
  if (host === undefined || !isOwnHost(host, server)) {
    return { ok: false, status: 403, reason: `Host ${host ?? '(none)'} is not this server (${hostHeader(server.host, server.port)})` };
  }
  const origin = headers.origin;
  if (origin !== undefined && origin !== `http://${host.toLowerCase()}`) {
    return { ok: false, status: 403, reason: `Origin ${origin} is not this server (http://${host})` };
  }
  return { ok: true };
}

/** True when a Host header names this server's port on its own address or a loopback alias of it. */
function isOwnHost(header: string, server: ServerAddress): boolean {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d+))?$/i.exec(header.trim());
  const name = match?.[1]?.toLowerCase();
  if (match === null || name === undefined) return false;
  const port = match[2] === undefined ? 80 : Number(match[2]);
  if (port !== server.port) return false;
  const own = bracketed(server.host.toLowerCase());
  if (WILDCARD_NAMES.has(own)) return true;
  if (name === own) return true;
  return LOOPBACK_NAMES.has(own) && LOOPBACK_NAMES.has(name);
}

/** IPv6 literals appear in brackets in a Host header. */
function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** How a browser writes the Host header for this address (and how a URL to it is written). */
export function hostHeader(host: string, port: number): string {
  return `${bracketed(host)}:${port}`;
}
