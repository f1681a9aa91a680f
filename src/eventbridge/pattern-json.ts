/**
 * A small streaming JSON reader for event pattern *text*.
 *
 * Why not `JSON.parse`: a pattern may repeat a key (`"location"` twice, as in the AWS guide's
 * complex example) and AWS applies both occurrences in order, which `JSON.parse` cannot show.
 * AWS reads patterns with Jackson's streaming parser; this reader yields the same token
 * sequence, the same error texts for malformed JSON, and the same positions, so a
 * `InvalidEventPatternException` reads exactly as AWS's (`… at [Source: (String)"…"; line: 1,
 * column: 11]`).
 *
 * Position model (as Jackson's): the location of the current token is just after its last
 * consumed character. A string value is read lazily: right after `nextToken()` only its opening
 * quote is consumed; `getText()` reads the rest. After a `FIELD_NAME` the colon and the first
 * character of the value (or the whole number or literal) are already consumed.
 */
import { JsonReadError } from './errors.js';

/** Token kinds, named as Jackson names them. */
export type JsonToken =
  | 'START_OBJECT'
  | 'END_OBJECT'
  | 'START_ARRAY'
  | 'END_ARRAY'
  | 'FIELD_NAME'
  | 'VALUE_STRING'
  | 'VALUE_NUMBER_INT'
  | 'VALUE_NUMBER_FLOAT'
  | 'VALUE_TRUE'
  | 'VALUE_FALSE'
  | 'VALUE_NULL';

const VALID_VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";
const MAX_SOURCE_CHARS = 500;

interface Context {
  kind: 'object' | 'array';
  /** Index of the opening bracket. */
  start: number;
  /** True once the first entry was read (a comma must come before the next). */
  hasEntries: boolean;
}

/**
 * Pull reader over JSON text. `nextToken()` returns `null` at the end of the input (only
 * reachable at the root).
 */
export class JsonTokenReader {
  private pos = 0;
  private readonly stack: Context[] = [];
  private token: JsonToken | null = null;
  private buffered: JsonToken | null = null;
  /** Text of the current field name / number / literal / string (once read). */
  private text = '';
  private name = '';
  /** Index of the first content character of a string whose opening quote was consumed but not the rest. */
  private pendingString = -1;
  /** The root value is complete: the reader stops there, as AWS's compiler never reads further. */
  private rootDone = false;

  constructor(private readonly source: string) {}

  /** The current token. */
  get current(): JsonToken | null {
    return this.token;
  }

  /** Name of the current field (valid while on `FIELD_NAME` and on the value right after it). */
  get currentName(): string {
    return this.name;
  }

  /** Text of the current token: the string (read fully now), the number as written, or the literal. */
  getText(): string {
    if (this.token === 'VALUE_STRING' && this.pendingString >= 0) {
      this.text = this.readStringRest(false);
    }
    switch (this.token) {
      case 'FIELD_NAME':
        return this.name;
      case 'START_OBJECT':
        return '{';
      case 'END_OBJECT':
        return '}';
      case 'START_ARRAY':
        return '[';
      case 'END_ARRAY':
        return ']';
      case null:
        return '';
      default:
        return this.text;
    }
  }

  /** True when the current token is a number. */
  isNumeric(): boolean {
    return this.token === 'VALUE_NUMBER_INT' || this.token === 'VALUE_NUMBER_FLOAT';
  }

  /** Advances to the next token. */
  nextToken(): JsonToken | null {
    if (this.token === 'FIELD_NAME' && this.buffered) {
      this.token = this.buffered;
      this.buffered = null;
      if (this.token === 'START_OBJECT' || this.token === 'START_ARRAY') this.pushContext(this.token, this.pos - 1);
      return this.token;
    }
    if (this.token === 'VALUE_STRING' && this.pendingString >= 0) this.readStringRest(false);

    let i = this.skipWhitespace();
    const context = this.stack[this.stack.length - 1];
    if (i < 0) {
      if (!context) {
        this.token = null;
        return null;
      }
      return this.failEndOfInputInContainer(context);
    }
    if (!context && this.rootDone) {
      // Content after the root value: never read by the pattern compiler (as with AWS).
      this.token = null;
      return null;
    }
    const ch = this.source[i]!;
    if (ch === ']' || ch === '}') {
      if (!context) {
        this.pos = i + 1;
        const other = ch === ']' ? '}' : ']';
        this.fail(
          `Unexpected close marker '${ch}': expected '${other}' (for root starting at ${this.sourceDescription()}; line: 1, column: 0])`,
          i,
          1,
        );
      }
      return this.closeContext(context, ch, i);
    }
    if (context?.hasEntries) {
      if (ch !== ',') {
        this.failUnexpectedChar(
          i,
          `was expecting comma to separate ${context.kind === 'object' ? 'Object' : 'Array'} entries`,
        );
      }
      this.pos = i + 1;
      i = this.skipWhitespace();
      if (i < 0)
        this.failEndOfInput(
          `Unexpected end-of-input within/between ${context.kind === 'object' ? 'Object' : 'Array'} entries`,
        );
    }
    if (context) context.hasEntries = true;

    if (context?.kind === 'object') return this.readFieldName(i);
    const value = this.readValueStart(i);
    if (!context) this.rootDone = value !== 'START_OBJECT' && value !== 'START_ARRAY';
    this.token = value;
    if (value === 'START_OBJECT' || value === 'START_ARRAY') this.pushContext(value, this.pos - 1);
    return value;
  }

  /** Location just after the current token, 1-based, as Jackson reports it. */
  location(): { line: number; column: number } {
    return this.locate(this.pos, 1);
  }

  /** `\n at [Source: (String)"…"; line: L, column: C]` for the current location. */
  locationText(): string {
    const { line, column } = this.location();
    return this.formatLocation(line, column);
  }

  /** An error at the current location (what event-ruler calls `barf`). */
  errorHere(reason: string): JsonReadError {
    const { line, column } = this.location();
    return new JsonReadError(reason, this.formatLocation(line, column), line, column);
  }

  // ---------------------------------------------------------------- internals

  private pushContext(kind: 'START_OBJECT' | 'START_ARRAY', start: number): void {
    this.stack.push({ kind: kind === 'START_OBJECT' ? 'object' : 'array', start, hasEntries: false });
  }

  private closeContext(context: Context, ch: string, index: number): JsonToken {
    const expected = context.kind === 'object' ? '}' : ']';
    if (ch !== expected) {
      const where = this.locate(context.start, 1);
      this.pos = index + 1;
      this.fail(
        `Unexpected close marker '${ch}': expected '${expected}' (for ${context.kind === 'object' ? 'Object' : 'Array'} starting at ${this.sourceDescription()}; line: ${where.line}, column: ${where.column}])`,
        index,
        1,
      );
    }
    this.pos = index + 1;
    this.stack.pop();
    if (this.stack.length === 0) this.rootDone = true;
    this.token = context.kind === 'object' ? 'END_OBJECT' : 'END_ARRAY';
    return this.token;
  }

  private readFieldName(i: number): JsonToken {
    if (this.source[i] !== '"') this.failUnexpectedChar(i, 'was expecting double-quote to start field name');
    this.pos = i + 1;
    this.name = this.readStringRest(true);
    let j = this.skipWhitespace();
    if (j < 0) this.failEndOfInput('Unexpected end-of-input within/between Object entries');
    if (this.source[j] !== ':') this.failUnexpectedChar(j, 'was expecting a colon to separate field name and value');
    this.pos = j + 1;
    j = this.skipWhitespace();
    if (j < 0) this.failEndOfInput('Unexpected end-of-input within/between Object entries');
    this.buffered = this.readValueStart(j);
    this.token = 'FIELD_NAME';
    return 'FIELD_NAME';
  }

  /** Reads the start of a value at index i (whole value for numbers and literals). */
  private readValueStart(i: number): JsonToken {
    const ch = this.source[i]!;
    switch (ch) {
      case '"':
        this.pos = i + 1;
        this.pendingString = this.pos;
        return 'VALUE_STRING';
      case '{':
        this.pos = i + 1;
        return 'START_OBJECT';
      case '[':
        this.pos = i + 1;
        return 'START_ARRAY';
      case 't':
        return this.readLiteral(i, 'true', 'VALUE_TRUE');
      case 'f':
        return this.readLiteral(i, 'false', 'VALUE_FALSE');
      case 'n':
        return this.readLiteral(i, 'null', 'VALUE_NULL');
      case '-':
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7':
      case '8':
      case '9':
        return this.readNumber(i);
      case '}':
        return this.failUnexpectedChar(i, 'expected a value');
      default:
        return this.handleOddValue(i);
    }
  }

  private handleOddValue(i: number): never {
    const ch = this.source[i]!;
    if (ch === 'N' && this.source.startsWith('NaN', i)) this.failNonStandard(i, 'NaN');
    if (ch === 'I' && this.source.startsWith('Infinity', i)) this.failNonStandard(i, 'Infinity');
    if (ch === '+') {
      this.pos = i + 1;
      this.fail(
        "Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs: enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow",
        i,
        2,
      );
    }
    if (isIdentifierStart(ch)) this.failInvalidToken(i, i + ch.length);
    return this.failUnexpectedChar(i, 'expected a valid value ' + VALID_VALUES);
  }

  private failNonStandard(i: number, word: string): never {
    this.pos = i + word.length;
    return this.fail(
      `Non-standard token '${word}': enable \`JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS\` to allow`,
      this.pos,
      1,
    );
  }

  private readLiteral(i: number, word: string, token: JsonToken): JsonToken {
    for (let k = 1; k < word.length; k++) {
      if (this.source[i + k] !== word[k]) return this.failInvalidToken(i, i + k);
    }
    const end = i + word.length;
    const after = this.source[end];
    if (after !== undefined && after >= '0' && after !== ']' && after !== '}' && isIdentifierPart(after))
      return this.failInvalidToken(i, end);
    this.pos = end;
    this.text = word;
    return token;
  }

  /** "Unrecognized token 'xyz'": the token runs from start over identifier characters. */
  private failInvalidToken(start: number, from: number): never {
    let end = from;
    while (end < this.source.length && end - start < 256 && isIdentifierPart(this.source[end]!)) end++;
    this.pos = end;
    return this.fail(`Unrecognized token '${this.source.slice(start, end)}': was expecting ${VALID_VALUES}`, end, 1);
  }

  private readNumber(start: number): JsonToken {
    const s = this.source;
    let i = start;
    if (s[i] === '-') {
      i++;
      if (i >= s.length) {
        this.pos = i;
        this.fail('Unexpected end-of-inputNo digit following sign', i, 1);
      }
      if (s[i] === '.') this.failUnexpectedChar(i, 'expected a valid value ' + VALID_VALUES);
      if (!isDigit(s[i]!)) {
        this.failUnexpectedChar(
          i,
          'in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value',
          true,
        );
      }
    }
    // Jackson reports some number errors one column further when the integer part is "0".
    const zeroOffset =
      s.slice(start, s[start] === '-' ? start + 2 : start + 1).replace('-', '') === '0' &&
      !isDigit(s[start + (s[start] === '-' ? 2 : 1)] ?? '')
        ? 1
        : 0;
    if (s[i] === '0' && i + 1 < s.length && isDigit(s[i + 1]!)) {
      this.pos = i + 1;
      this.fail('Invalid numeric value: Leading zeroes not allowed', i + 1, 1);
    }
    while (i < s.length && isDigit(s[i]!)) i++;
    let float = false;
    if (s[i] === '.') {
      float = true;
      i++;
      if (i >= s.length || !isDigit(s[i]!)) {
        // Jackson's column here depends on its code path (integer part "0" or not); at the end
        // of input it names the '.'.
        this.pos = i;
        this.fail(
          `Unexpected character (${charDescription(s[i] ?? '.')}) in numeric value: Decimal point not followed by a digit`,
          i,
          i < s.length ? zeroOffset : 0,
        );
      }
      while (i < s.length && isDigit(s[i]!)) i++;
    }
    if (s[i] === 'e' || s[i] === 'E') {
      float = true;
      i++;
      if (s[i] === '+' || s[i] === '-') i++;
      if (i >= s.length) {
        this.pos = i;
        this.fail('Unexpected end-of-inputexpected a digit for number exponent', i, 1);
      }
      if (!isDigit(s[i]!)) {
        // Jackson reports this one at the offending character itself.
        this.pos = i;
        this.fail(
          `Unexpected character (${charDescription(s[i]!)}) in numeric value: Exponent indicator not followed by a digit`,
          i,
          zeroOffset,
        );
      }
      while (i < s.length && isDigit(s[i]!)) i++;
    }
    this.pos = i;
    this.text = s.slice(start, i);
    if (this.stack.length === 0 && i < s.length && !/[ \t\r\n]/.test(s[i]!)) {
      this.failUnexpectedChar(i, 'Expected space separating root-level values');
    }
    return float ? 'VALUE_NUMBER_FLOAT' : 'VALUE_NUMBER_INT';
  }

  /** Reads a string body after its opening quote (at this.pos) through the closing quote. */
  private readStringRest(isName: boolean): string {
    const s = this.source;
    let i = isName ? this.pos : this.pendingString;
    this.pendingString = -1;
    let out = '';
    let chunkStart = i;
    for (;;) {
      if (i >= s.length) {
        this.pos = i;
        this.fail(
          isName
            ? 'Unexpected end-of-input in field name'
            : 'Unexpected end-of-input: was expecting closing quote for a string value',
          i,
          1,
        );
      }
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        out += s.slice(chunkStart, i);
        this.pos = i + 1;
        return out;
      }
      if (c === 0x5c) {
        out += s.slice(chunkStart, i);
        i = this.readEscape(i, (decoded) => (out += decoded));
        chunkStart = i;
        continue;
      }
      if (c < 0x20) {
        this.pos = i + 1;
        this.fail(
          `Illegal unquoted character (${charDescription(s[i]!)}): has to be escaped using backslash to be included in ${isName ? 'name' : 'string value'}`,
          i,
          1,
        );
      }
      i++;
    }
  }

  /** Decodes the escape starting at the backslash at index i; returns the index after it. */
  private readEscape(i: number, emit: (decoded: string) => void): number {
    const s = this.source;
    if (i + 1 >= s.length) {
      this.pos = s.length;
      this.fail('Unexpected end-of-input in character escape sequence', s.length, 1);
    }
    const e = s[i + 1]!;
    const simple: Record<string, string> = {
      '"': '"',
      '\\': '\\',
      '/': '/',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
    };
    if (e in simple) {
      emit(simple[e]!);
      return i + 2;
    }
    if (e === 'u') {
      let code = 0;
      for (let k = 0; k < 4; k++) {
        const at = i + 2 + k;
        if (at >= s.length) {
          this.pos = s.length;
          this.fail('Unexpected end-of-input in character escape sequence', s.length, 1);
        }
        const digit = parseInt(s[at]!, 16);
        if (!/[0-9a-fA-F]/.test(s[at]!))
          this.failUnexpectedChar(at, 'expected a hex-digit for character escape sequence');
        code = code * 16 + digit;
      }
      emit(String.fromCharCode(code));
      return i + 6;
    }
    this.pos = i + 2;
    return this.fail(`Unrecognized character escape ${charDescription(e)}`, i + 1, 1);
  }

  /** Skips JSON whitespace from this.pos; returns the index of the next character or -1 at the end. */
  private skipWhitespace(): number {
    const s = this.source;
    let i = this.pos;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        i++;
        continue;
      }
      if (c === 0x2f) {
        this.pos = i + 1;
        this.fail(
          "Unexpected character ('/' (code 47)): maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)",
          i,
          1,
        );
      }
      if (c < 0x20) {
        this.pos = i + 1;
        this.fail(
          `Illegal character (${charDescription(s[i]!)}): only regular white space (\\r, \\n, \\t) is allowed between tokens`,
          i,
          2,
        );
      }
      break;
    }
    this.pos = i;
    return i < s.length ? i : -1;
  }

  private failEndOfInputInContainer(context: Context): never {
    const where = this.locate(context.start, 1);
    return this.failEndOfInput(
      `Unexpected end-of-input: expected close marker for ${context.kind === 'object' ? 'Object' : 'Array'} (start marker at ${this.sourceDescription()}; line: ${where.line}, column: ${where.column}])`,
    );
  }

  private failEndOfInput(reason: string): never {
    this.pos = this.source.length;
    return this.fail(reason, this.source.length, 1);
  }

  /** "Unexpected character ('x' (code 120)): <what>" reported at the character. */
  private failUnexpectedChar(index: number, what: string, noColon = false): never {
    this.pos = index + 1;
    const desc = index < this.source.length ? charDescription(this.source[index]!) : 'EOF';
    return this.fail(`Unexpected character (${desc})${noColon ? ' ' : ': '}${what}`, index, 1);
  }

  /** Throws at the location `index + offset` (Jackson's column conventions differ by error kind). */
  private fail(reason: string, index: number, offset: number): never {
    const { line, column } = this.locate(index, offset);
    throw new JsonReadError(reason, this.formatLocation(line, column), line, column);
  }

  /** Line and column of a character index, 1-based column = index - rowStart + offset. */
  private locate(index: number, offset: number): { line: number; column: number } {
    let line = 1;
    let rowStart = 0;
    const s = this.source;
    for (let i = 0; i < index && i < s.length; i++) {
      const c = s[i];
      if (c === '\n') {
        line++;
        rowStart = i + 1;
      } else if (c === '\r' && s[i + 1] !== '\n') {
        line++;
        rowStart = i + 1;
      }
    }
    return { line, column: index - rowStart + offset };
  }

  private sourceDescription(): string {
    const shown = this.source.length > MAX_SOURCE_CHARS ? this.source.slice(0, MAX_SOURCE_CHARS) : this.source;
    const escaped = shown.replace(
      // eslint-disable-next-line no-control-regex
      /[\u0000-\u0009\u000b\u000c\u000e-\u001f]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    const truncated =
      this.source.length > MAX_SOURCE_CHARS ? `[truncated ${this.source.length - MAX_SOURCE_CHARS} chars]` : '';
    return `[Source: (String)"${escaped}"${truncated}`;
  }

  private formatLocation(line: number, column: number): string {
    return `\n at ${this.sourceDescription()}; line: ${line}, column: ${column}]`;
  }
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isIdentifierStart(c: string): boolean {
  return /[\p{L}\p{Nl}_$\p{Sc}\p{Pc}]/u.test(c);
}

/** Java's Character.isJavaIdentifierPart (including the "ignorable" control and format characters). */
function isIdentifierPart(c: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}_$\p{Sc}\p{Pc}\p{Cf}\u0000-\u0008\u000e-\u001b\u007f-\u009f]/u.test(c);
}

/** Jackson's description of a character in error messages. */
function charDescription(c: string): string {
  const code = c.codePointAt(0)!;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `(CTRL-CHAR, code ${code})`;
  if (code > 255) return `'${c}' (code ${code} / 0x${code.toString(16)})`;
  return `'${c}' (code ${code})`;
}
