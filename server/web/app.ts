/** The workbook's HTTP side: security headers, the JSON API, and the browser's files. */
import express, { type Express } from 'express';
import type { BrokerTarget } from '../broker-connection.js';
import type { LessonCatalog } from '../lessons/index.js';
import type { Lab } from '../lab/lab.js';
import { createApiRouter } from './api.js';
import { createClientRouter } from './client-files.js';
import type { ServerAddress } from './request-guard.js';
import { securityHeaders } from './security-headers.js';

/** An express app serving /api and the client (or the status page when the client is not built). */
export function createWebApp(options: {
  broker: BrokerTarget;
  lessons: LessonCatalog;
  clientDir: string;
  /** Where the server listens: the API answers only requests addressed to it. */
  address: ServerAddress;
  /** The lab, whose address copied programs connect to. */
  lab?: Lab | undefined;
}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders());
  app.use('/api', createApiRouter(options));
  app.use(createClientRouter(options));
  app.use((request, response) => {
    response.status(404).type('text').send(`Nothing at ${request.path}. The workbook starts at /.`);
  });
  return app;
}
