export * from './define.js';
export * from './publish-properties.js';
export * from './moments.js';
