/**
 * HTTP requests exactly as a test writes them, Host header included (fetch
 * always sends the address it connects to), for checking what the server
 * does with requests a browser on another site, or a hand-written client,
 * could send.
 */
import { request } from 'node:http';

/** A request to send to 127.0.0.1:port. */
export interface RawRequest {
  method?: string;
  path: string;
  /** Sent as given; Host is 127.0.0.1:port unless given here. */
  headers?: Record<string, string>;
  /** Sent as it is. */
  body?: string;
  /** false sends no Host header at all. */
  setHost?: boolean;
}

/** What the server answered: the status and the body, parsed when it is JSON. */
export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
  json: unknown;
}

/** Sends one request and reads the whole answer. */
export function rawRequest(port: number, options: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { ...(options.setHost === false ? {} : { host: `127.0.0.1:${port}` }), ...options.headers },
        setHost: options.setHost ?? true,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          const contentType = response.headers['content-type'] ?? '';
          resolve({
            status: response.statusCode ?? 0,
            contentType,
            text,
            json: contentType.startsWith('application/json') ? (JSON.parse(text) as unknown) : undefined,
          });
        });
      },
    );
    outgoing.once('error', reject);
    outgoing.end(options.body);
  });
}
