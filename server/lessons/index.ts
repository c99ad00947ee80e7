export { loadLessons, type LessonCatalog, type LessonProblem, type CatalogCell } from './catalog.js';
export { validateParams, mergeParams, type ParamError, type ParamsResult } from './params.js';
export { describeAllowed } from './allowed-values.js';
