export * from './trace.js';
export * from './lesson.js';
export * from './messages.js';
