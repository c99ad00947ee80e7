export * from './trace.js';
export * from './lesson.js';
export * from './messages.js';
export * from './moment-link.js';
export * from './broker-settings.js';
export * from './trace-file.js';
