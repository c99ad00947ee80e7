/**
 * POST /api/lab/build: what the Lab page's forms ask for (declare an
 * exchange or a queue, bind, unbind, delete), checked again here, then
 * carried out through the lab's port on the "Lab page" connection, so the
 * lab's views show it like any program's work. Answers 200 with what was
 * done, 400 with every problem of a request it will not send, 422 with the
 * broker's refusal (its code, its reply text and what it usually means), 502
 * when the broker cannot be reached. Mounted inside the /api router, so its
 * Host and Origin checks apply.
 */
import { Value } from '@sinclair/typebox/value';
import express, { type Router } from 'express';
import { describeRefusal } from '../definitions/broker-refusal.js';
import { checkLabBuild, LabBuildRequest, type LabBuildAnswer, type LabBuildProblem } from '../../protocol/lab-build.js';
import { carryOut } from './carry-out.js';
import type { LabPageConnection } from './lab-page-connection.js';

/** The actions the endpoint knows, each with its schema. */
const SCHEMAS = new Map(LabBuildRequest.anyOf.map((schema) => [schema.properties.action.const, schema]));

/** An amqplib refusal: "... 406 (PRECONDITION-FAILED) with message "..."". */
const REFUSAL_CODE = /(\d{3}) \([A-Z-]+\) with message "/;

/** The router for /lab/build; the body is parsed by the API router. */
export function createLabBuildRouter(options: { connection: LabPageConnection }): Router {
  const router = express.Router();
  router.post('/', async (request, response) => {
    const read = readRequest(request.body);
    if (!read.ok) {
      response.status(400).json({
        ok: false,
        error: read.problems.map((problem) => problem.message).join('; '),
        problems: read.problems,
      } satisfies LabBuildAnswer);
      return;
    }
    try {
      const done = await options.connection.run((channel) => carryOut(channel, read.request));
      response.json({ ok: true, ...done } satisfies LabBuildAnswer);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = REFUSAL_CODE.exec(message)?.[1];
      if (code === undefined) {
        response
          .status(502)
          .json({ ok: false, error: `the broker could not be reached through the lab: ${message}` } satisfies LabBuildAnswer);
        return;
      }
      response.status(422).json({ ok: false, error: describeRefusal(error), code: Number(code) } satisfies LabBuildAnswer);
    }
  });
  return router;
}

/** The request, or every problem with it: its shape first, then its values. */
export function readRequest(body: unknown): { ok: true; request: LabBuildRequest } | { ok: false; problems: LabBuildProblem[] } {
  const action = typeof body === 'object' && body !== null ? (body as { action?: unknown }).action : undefined;
  const schema = typeof action === 'string' ? SCHEMAS.get(action as LabBuildRequest['action']) : undefined;
  if (schema === undefined) {
    const known = [...SCHEMAS.keys()].join(', ');
    return {
      ok: false,
      problems: [
        { field: 'action', message: `'action' must be one of ${known}; got ${action === undefined ? 'nothing' : JSON.stringify(action)}` },
      ],
    };
  }
  const byField = new Map<string, LabBuildProblem>();
  for (const error of Value.Errors(schema, body)) {
    const field = error.path.replace(/^\//, '').replace(/\//g, '.');
    if (!byField.has(field)) byField.set(field, { field, message: `'${field}': ${error.message.toLowerCase()}${gotText(error.value)}` });
  }
  if (byField.size > 0) return { ok: false, problems: [...byField.values()] };
  const request = body as LabBuildRequest;
  const problems = checkLabBuild(request);
  return problems.length === 0 ? { ok: true, request } : { ok: false, problems };
}

function gotText(value: unknown): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return ` (got ${text.length > 40 ? `${text.slice(0, 40)}...` : text})`;
}
