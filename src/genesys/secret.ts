/**
 * Secrets (the OAuth client secret, access tokens) and the redaction of any text that could
 * carry one.
 *
 * A {@link Secret} never prints its value: `String(secret)`, `JSON.stringify`, `console.log`
 * and `util.inspect` all show `[redacted]`. Code that needs the value calls `reveal()`, so every
 * use is visible in a search. {@link redact} is the second line of defence: every message built
 * from text a server sent us passes through it before it reaches an error or a log.
 */
import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A string that must never be printed, logged or written to a file.
 *
 * @example
 * const secret = new Secret(process.env.GENESYSCLOUD_OAUTHCLIENT_SECRET ?? '');
 * `${secret}`          // → '[redacted]'
 * JSON.stringify({ secret }) // → '{"secret":"[redacted]"}'
 * secret.reveal()      // → the value, for the Authorization header only
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The value. Use only where it is sent (an Authorization header), never in a message. */
  reveal(): string {
    return this.#value;
  }

  /** True when the value is the empty string. */
  get isEmpty(): boolean {
    return this.#value === '';
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/**
 * Replaces every occurrence of each secret value in `text` with `[redacted]`. Values shorter
 * than 4 characters are not searched for (they would redact ordinary words).
 *
 * @example
 * redact('token abc123 rejected', ['abc123']) // → 'token [redacted] rejected'
 */
export function redact(text: string, secrets: Iterable<string | Secret | undefined>): string {
  let result = text;
  for (const secret of secrets) {
    const value = secret instanceof Secret ? secret.reveal() : secret;
    if (!value || value.length < 4) continue;
    result = result.split(value).join(REDACTED);
  }
  return result;
}
