/** Saving and loading the lab vhost's topology as RabbitMQ definitions files. */
export * from './definitions-format.js';
export { readDefinitions, readDefinitionsText, type ReadDefinitions } from './read-definitions.js';
export { importDefinitions, type ImportedItem, type ImportOptions, type ImportReport, type ItemKind } from './import-definitions.js';
export {
  exportDefinitions,
  type ExportedBinding,
  type ExportedDefinitions,
  type ExportedExchange,
  type ExportedQueue,
} from './export-definitions.js';
export { chooseSourceVhost, SourceVhostError, vhostsWithItems } from './source-vhost.js';
export { createLabDefinitionsRouter, DEFINITIONS_BODY_LIMIT, DEFINITIONS_FILE_NAME } from './definitions-routes.js';
