/**
 * The workbook's JSON API: the lessons (each cell's parameters as JSON
 * Schema, for the browser's forms), each cell's programs for given
 * parameters, and which broker runs. It answers only requests addressed to
 * this server from its own pages, as the WebSocket does. Every miss and
 * every refusal answers in JSON, naming what was wrong and what is allowed.
 */
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import type { LessonSummary } from '../protocol/lesson.js';
import type { LessonCatalog } from '../lessons/index.js';
import type { BrokerTarget } from '../broker-connection.js';
import { programsUrlOf } from '../programs/programs-url.js';
import { cellCode } from './cell-code.js';
import { brokerAddress } from './broker-address.js';
import type { Lab } from '../lab/lab.js';
import { checkSameServer, type ServerAddress } from './request-guard.js';
import { createLabDefinitionsRouter } from '../lab/definitions/index.js';
import { labBuildRouterFor } from '../lab/build/index.js';

/** Request bodies are never large: the API takes at most this much JSON. */
const JSON_BODY_LIMIT = '16kb';

const ENDPOINTS = ['GET /api/lessons', 'GET /api/lessons/:id', 'POST /api/lessons/:id/cells/:cell/code', 'GET /api/broker'];
const LAB_ENDPOINTS = ['GET /api/lab/definitions', 'POST /api/lab/definitions', 'POST /api/lab/build'];

/** Lessons in course order; folders with the same number fall back to their names. */
export function sortedLessons(lessons: LessonCatalog): LessonSummary[] {
  return [...lessons.list()].sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

/** The /api router. */
export function createApiRouter(options: {
  broker: BrokerTarget;
  lessons: LessonCatalog;
  address: ServerAddress;
  /**
   * The lab: where copied programs connect, the vhost whose topology /api/lab/definitions saves and loads
   * (refreshing the lab's views after an import when it can), and the address the Lab page's forms build through
   * (/api/lab/build).
   */
  lab?: (Pick<Lab, 'url' | 'vhost' | 'workbookUrl'> & Partial<Pick<Lab, 'refreshState'>>) | undefined;
}): Router {
  const { broker, lessons, lab } = options;
  // Programs copied from a page connect where a learner's own programs do: the lab's port, when there is one.
  const programsUrl = programsUrlOf(lab?.url ?? broker.url);
  const api = express.Router();
  api.use(sameServerOnly(options.address));
  api.use(jsonBodiesOnly);
  // The lab's topology, saved and loaded as RabbitMQ definitions; before the API's own body limit: a definitions
  // file is larger than any other body, and has a limit of its own.
  if (lab !== undefined) {
    const refresh = lab.refreshState?.bind(lab);
    api.use(
      '/lab/definitions',
      createLabDefinitionsRouter({ broker, vhost: lab.vhost, ...(refresh === undefined ? {} : { imported: refresh }) }),
    );
  }
  api.use(express.json({ limit: JSON_BODY_LIMIT }));
  if (lab !== undefined) api.use('/lab/build', labBuildRouterFor(lab));

  api.get('/lessons', (_request, response) => {
    response.json(sortedLessons(lessons));
  });

  // A lesson by folder name, or as the command line knows it: by number ('02') or slug ('work-queues').
  api.get('/lessons/:id', (request, response) => {
    const lesson = lessons.get(request.params.id) ?? lessons.find(request.params.id);
    if (lesson === undefined) {
      response.status(404).json({
        error: `no lesson '${request.params.id}'`,
        lessons: sortedLessons(lessons).map((summary) => summary.id),
      });
      return;
    }
    response.json(lesson);
  });

  // Every actor's amqplib program for a cell, with the parameters in the body ({ params }) over the cell's defaults.
  api.post('/lessons/:lesson/cells/:cell/code', (request, response) => {
    const answer = cellCode(lessons, request.params.lesson, request.params.cell, request.body, programsUrl);
    response.status(answer.status).json(answer.body);
  });

  api.get('/broker', (_request, response) => {
    response.json({ kind: broker.kind, url: brokerAddress(broker, lab) });
  });

  api.use((request, response) => {
    const endpoints = options.lab === undefined ? ENDPOINTS : [...ENDPOINTS, ...LAB_ENDPOINTS];
    response.status(404).json({ error: `no API at ${request.method} ${request.originalUrl}`, endpoints });
  });

  api.use(apiErrors);
  return api;
}

/** Refuses, before reading its body, a request that is not addressed to this server or comes from another site's page. */
function sameServerOnly(address: ServerAddress): RequestHandler {
  return (request, response, next) => {
    const verdict = checkSameServer(request.headers, address);
    if (verdict.ok) next();
    else response.status(verdict.status).json({ error: verdict.reason });
  };
}

/** A body in another format would be ignored and the request taken as having none: it is refused instead. */
const jsonBodiesOnly: RequestHandler = (request, response, next) => {
  const length = request.headers['content-length'];
  const hasBody = request.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > 0);
  if (!hasBody || request.is('application/json') !== false) {
    next();
    return;
  }
  response.status(415).json({
    error: `the request body must be JSON (Content-Type: application/json), got Content-Type: ${request.headers['content-type'] ?? '(none)'}`,
  });
};

/** What the API says for each kind of body it could not read; body-parser names them in `type`. */
const BODY_PROBLEMS: Record<string, (error: Error) => string> = {
  'entity.parse.failed': (error) => `the request body is not valid JSON (${error.message}); send { "params": { "name": value, ... } }`,
  'entity.too.large': () => `the request body is larger than ${JSON_BODY_LIMIT}`,
  'encoding.unsupported': (error) => `${error.message}; send the body uncompressed`,
  'charset.unsupported': (error) => `${error.message}; send the body in UTF-8`,
};

/** Body-parser and unexpected errors, as JSON with the status they carry (500, logged, when none). */
const apiErrors: ErrorRequestHandler = (error: unknown, _request, response, _next) => {
  const { status, type } = error as { status?: unknown; type?: unknown };
  const code = typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
  const explain = typeof type === 'string' && Object.hasOwn(BODY_PROBLEMS, type) ? BODY_PROBLEMS[type] : undefined;
  const message =
    explain !== undefined && error instanceof Error
      ? explain(error)
      : code < 500 && error instanceof Error
        ? error.message
        : 'the server failed to answer this request';
  if (code >= 500) console.error(error);
  response.status(code).json({ error: message });
};
