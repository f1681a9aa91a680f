/** The Genesys event model: topics, schemas, identity and parsing. */
export * from './topics.js';
export * from './schemas.js';
export * from './identity.js';
// parse.js also holds parseGenesysEventWithZod, the tests' reference: not part of the public surface.
export { MAX_EVENT_BYTES, parseGenesysEvent, parseGenesysEventText, formatProblems, jsonPath } from './parse.js';
export type { EventProblem, ConversationEvent, OtherEvent, GenesysEvent, ParseResult } from './parse.js';
