/**
 * model: the event schema, the ACLED taxonomy and the output formats. Owns the shapes every other
 * part uses; must not do I/O or import from any other part.
 */
export * from './taxonomy.js';
export * from './event.js';
export * from './formats.js';
export * from './api.js';
export * from './text.js';
export * from './distance.js';
export * from './memo.js';
