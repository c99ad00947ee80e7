/**
 * The lab's definitions over HTTP: GET /api/lab/definitions downloads the
 * watched vhost's topology as a per-vhost definitions file, POST imports
 * one (the file as the JSON body; ?vhost=NAME picks the vhost of a
 * whole-broker file) and answers with the import report. A file that cannot
 * be read gets 400 and every problem found, each naming where it is.
 * Mounted inside the /api router, so its Host and Origin checks apply.
 */
import express, { type ErrorRequestHandler, type Router } from 'express';
import type { BrokerTarget } from '../../broker-connection.js';
import { exportDefinitions } from './export-definitions.js';
import { importDefinitions } from './import-definitions.js';
import { readDefinitions } from './read-definitions.js';
import { SourceVhostError } from './source-vhost.js';

/** A definitions file may be much larger than the API's other bodies, but not without bound. */
export const DEFINITIONS_BODY_LIMIT = '2mb';

/** The name a downloaded file gets. */
export const DEFINITIONS_FILE_NAME = 'warren-lab-definitions.json';

/** The router for /lab/definitions. */
export function createLabDefinitionsRouter(options: {
  broker: BrokerTarget;
  vhost: string;
  /** Called once an import has declared its items, before the report is sent: the lab shows the vhost as it is now. */
  imported?: () => Promise<void>;
}): Router {
  const { broker, vhost } = options;
  const router = express.Router();
  router.use(express.json({ limit: DEFINITIONS_BODY_LIMIT }));

  router.get('/', async (_request, response) => {
    const definitions = await exportDefinitions(broker, vhost);
    response.setHeader('content-disposition', `attachment; filename="${DEFINITIONS_FILE_NAME}"`);
    response.type('application/json').send(`${JSON.stringify(definitions, null, 2)}\n`);
  });

  router.post('/', async (request, response) => {
    if (request.body === undefined) {
      response.status(400).json({
        error: 'send the definitions file as the request body (Content-Type: application/json)',
        errors: ['the request has no body'],
      });
      return;
    }
    const read = readDefinitions(request.body);
    if (!read.ok) {
      response.status(400).json({ error: 'the definitions file cannot be read', errors: read.errors });
      return;
    }
    const chosen = request.query.vhost;
    if (chosen !== undefined && typeof chosen !== 'string') {
      response.status(400).json({ error: 'vhost must be given once, as ?vhost=NAME', errors: ['vhost must be given once'] });
      return;
    }
    try {
      const report = await importDefinitions(broker, vhost, read.definitions, { sourceVhost: chosen });
      await options.imported?.();
      response.json(report);
    } catch (error) {
      if (!(error instanceof SourceVhostError)) throw error;
      response.status(400).json({ error: error.message, errors: [error.message], vhosts: error.vhosts });
    }
  });

  router.use(definitionsErrors);
  return router;
}

/** A body that is not JSON, too large, or a broker that cannot be reached, said in JSON. */
const definitionsErrors: ErrorRequestHandler = (error: unknown, _request, response, _next) => {
  const { type } = error as { type?: unknown };
  if (type === 'entity.parse.failed' && error instanceof Error) {
    const message = `the file is not JSON (${error.message}); a definitions file is a JSON object as rabbitmqctl export_definitions writes it`;
    response.status(400).json({ error: 'the definitions file cannot be read', errors: [message] });
    return;
  }
  if (type === 'entity.too.large') {
    const message = `the file is larger than ${DEFINITIONS_BODY_LIMIT}`;
    response.status(413).json({ error: message, errors: [message] });
    return;
  }
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500 && error instanceof Error) {
    response.status(status).json({ error: error.message, errors: [error.message] });
    return;
  }
  const reason = error instanceof Error ? error.message : String(error);
  console.error(error);
  response.status(502).json({ error: `the broker could not be asked: ${reason}` });
};
