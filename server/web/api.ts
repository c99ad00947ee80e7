/**
 * The workbook's JSON API: the lessons (each cell's parameters as JSON
 * Schema, for the browser's forms), each cell's programs for given
 * parameters, and which broker runs. Every miss answers in JSON, naming what
 * was not found and what exists.
 */
import express, { type ErrorRequestHandler, type Router } from 'express';
import type { LessonSummary } from '../protocol/lesson.js';
import type { LessonCatalog } from '../lessons/index.js';
import { redactUrl, type BrokerTarget } from '../broker-connection.js';
import { cellCode } from './cell-code.js';

/** Request bodies are never large: the API takes at most this much JSON. */
const JSON_BODY_LIMIT = '16kb';

const ENDPOINTS = ['GET /api/lessons', 'GET /api/lessons/:id', 'POST /api/lessons/:id/cells/:cell/code', 'GET /api/broker'];

/** Lessons in course order; folders with the same number fall back to their names. */
export function sortedLessons(lessons: LessonCatalog): LessonSummary[] {
  return [...lessons.list()].sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

/** The /api router. */
export function createApiRouter(options: { broker: BrokerTarget; lessons: LessonCatalog }): Router {
  const { broker, lessons } = options;
  const api = express.Router();
  api.use(express.json({ limit: JSON_BODY_LIMIT }));

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
    const answer = cellCode(lessons, request.params.lesson, request.params.cell, request.body);
    response.status(answer.status).json(answer.body);
  });

  api.get('/broker', (_request, response) => {
    response.json({ kind: broker.kind, url: redactUrl(broker.url) });
  });

  api.use((request, response) => {
    response.status(404).json({ error: `no API at ${request.method} ${request.originalUrl}`, endpoints: ENDPOINTS });
  });

  api.use(apiErrors);
  return api;
}

/** Body-parser and unexpected errors, as JSON with the status they carry (500 when none). */
const apiErrors: ErrorRequestHandler = (error: unknown, _request, response, _next) => {
  const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 500;
  const message =
    status === 413
      ? `the request body is larger than ${JSON_BODY_LIMIT}`
      : status < 500
        ? (error as Error).message
        : 'the server failed to answer this request';
  if (status >= 500) console.error(error);
  response.status(status).json({ error: message });
};
