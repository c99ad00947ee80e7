/** Building in the lab from the Lab page: declare, bind, unbind and delete over the "Lab page" connection. */
import type { Router } from 'express';
import type { Lab } from '../lab.js';
import { createLabBuildRouter } from './build-routes.js';
import { LabPageConnection } from './lab-page-connection.js';

export { LAB_PAGE_CONNECTION_NAME, LabPageConnection } from './lab-page-connection.js';
export { createLabBuildRouter, readRequest } from './build-routes.js';

/**
 * One "Lab page" connection per lab, however many times the web server is set up again around it; it ends with
 * the lab, whose port closing closes it.
 */
const connections = new WeakMap<object, LabPageConnection>();

/** The /lab/build router for `lab`, on the lab's one "Lab page" connection. */
export function labBuildRouterFor(lab: Pick<Lab, 'workbookUrl'>): Router {
  let connection = connections.get(lab);
  if (connection === undefined) {
    connection = new LabPageConnection(lab.workbookUrl);
    connections.set(lab, connection);
  }
  return createLabBuildRouter({ connection });
}
