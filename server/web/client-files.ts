/**
 * Serves the browser: the built client when there is one (its files, and its
 * index.html for every other page path so the client's router can take
 * over), otherwise a status page saying which broker runs and which lessons
 * the API has.
 */
import express, { type Router } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrokerTarget } from '../broker-connection.js';
import type { LessonCatalog } from '../lessons/index.js';
import { sortedLessons } from './api.js';
import { renderStatusPage } from './status-page.js';

/** Where `vite build` puts the client, from the repository root. */
export const DEFAULT_CLIENT_DIR = fileURLToPath(new URL('../../dist/client/', import.meta.url));

/** The router for every non-API path. */
export function createClientRouter(options: { broker: BrokerTarget; lessons: LessonCatalog; clientDir: string }): Router {
  const router = express.Router();
  const index = join(options.clientDir, 'index.html');
  if (existsSync(index)) {
    router.use(express.static(options.clientDir, { index: false, fallthrough: true }));
    router.get(/^(?!\/api(?:\/|$)).*/, (_request, response) => {
      response.sendFile(index);
    });
    return router;
  }
  router.get('/', (_request, response) => {
    response.type('html').send(renderStatusPage(options.broker, sortedLessons(options.lessons)));
  });
  return router;
}
