/**
 * Event patterns, as Amazon EventBridge evaluates them: the public surface of the pattern
 * modules. Parsing and validation live in `pattern-parse.ts` (with the JSON reader in
 * `pattern-json.ts`), value semantics in `pattern-values.ts` and `pattern-ip.ts`, evaluation in
 * `pattern-match.ts`, many-rule matching in `pattern-index.ts`.
 */
export { InvalidEventPatternException } from './errors.js';
export { compileEventPattern, testEventPattern, parseTestEvent, REQUIRED_TEST_EVENT_FIELDS } from './pattern-match.js';
export type { CompiledEventPattern } from './pattern-match.js';
export { EventPatternIndex } from './pattern-index.js';
export { MAX_EVENT_PATTERN_LENGTH } from './pattern-parse.js';
export { MAX_WILDCARD_COMPLEXITY } from './pattern-complexity.js';
