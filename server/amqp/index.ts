/**
 * The AMQP 0-9-1 codec shared by the embedded broker and the tap: frames,
 * methods, content headers and bodies, field tables.
 */
export * from './errors.js';
export * from './frame.js';
export * from './methods.js';
export * from './primitives.js';
export * from './properties.js';
export * from './reply-codes.js';
export * from './spec.js';
export * from './decoded-types.js';
export * from './table.js';
