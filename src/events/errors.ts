/**
 * Typed errors of the Genesys event model. Parsing an event never throws (it answers the
 * problems: `parseGenesysEvent`); what is thrown is a programming error in a schema.
 */

/** Base class: anything the events module throws on purpose. */
export class EventsError extends Error {
  override readonly name: string = 'EventsError';
}

/** A schema uses a zod feature the compiler does not reproduce. */
export class UnsupportedSchemaError extends EventsError {
  override readonly name = 'UnsupportedSchemaError';
  constructor(
    /** Where in the schema, e.g. `$.detail.time` (`[]` an array element, `{}` a record value). */
    readonly at: string,
    /** What is not supported. */
    readonly feature: string,
  ) {
    super(
      `Cannot compile the zod schema at ${at}: ${feature} is not supported; validate it with zod (safeParse) instead.`,
    );
  }
}
