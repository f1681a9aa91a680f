/** The Genesys event model: topics, schemas, identity and parsing. */
export * from './topics.js';
export * from './schemas.js';
export * from './identity.js';
export * from './parse.js';
