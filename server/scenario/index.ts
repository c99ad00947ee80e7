export * from './define.js';
export * from './publish-properties.js';
export * from './connections.js';
export * from './returns.js';
export * from './waiting.js';
export * from './moments.js';
