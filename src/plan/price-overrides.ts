/**
 * `--prices FILE`: a JSON object that replaces some of the built-in prices, e.g. with another
 * Region's figures or a negotiated rate. Validated with zod; an unknown key (a typo such as
 * `lambdaGbSecnd`) is an error that lists the valid keys, never silently ignored.
 *
 * ```json
 * {
 *   "region": "eu-west-1",
 *   "comment": "eu-west-1 list prices, checked 2026-11-01",
 *   "lambdaArmGbSecond": 0.0000133334,
 *   "sqsRequestsPerMillion": { "value": 0.4, "source": "https://aws.amazon.com/sqs/pricing/", "checked": "2026-11-01" }
 * }
 * ```
 */
import { z } from 'zod';
import { PriceFileError } from './errors.js';
import type { SourcedFigure } from './figure.js';
import { PRICE_IDS } from './prices.js';
import type { PriceId, PriceTable } from './prices.js';

const priceValue = z.union([
  z.number().finite().nonnegative(),
  z.strictObject({
    value: z.number().finite().nonnegative(),
    source: z.string().min(1).optional(),
    checked: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'checked must be a date YYYY-MM-DD')
      .optional(),
    note: z.string().optional(),
  }),
]);

const priceFileSchema = z.strictObject({
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'region must look like us-east-1')
    .optional(),
  comment: z.string().optional(),
  ...(Object.fromEntries(PRICE_IDS.map((id) => [id, priceValue.optional()])) as Record<
    PriceId,
    z.ZodOptional<typeof priceValue>
  >),
});

/** Parsed overrides: the Region they are for (if stated) and the replaced figures. */
export interface PriceOverrides {
  /** The Region the file says its prices are for, if it says. */
  readonly region?: string;
  readonly prices: Partial<Record<PriceId, SourcedFigure>>;
}

/**
 * Parses the text of a prices file. `origin` names the file in error messages.
 *
 * @throws {PriceFileError} when the text is not JSON, a key is unknown, or a value is not a
 *   non-negative number (or `{ "value": number, … }`).
 * @example
 * parsePriceOverrides('{"lambdaRequestsPerMillion": 0.25}', 'prices.json').prices.lambdaRequestsPerMillion?.value // 0.25
 */
export function parsePriceOverrides(text: string, origin: string): PriceOverrides {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PriceFileError(origin, [`not valid JSON: ${(error as Error).message}`]);
  }
  const parsed = priceFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((k) => `"${k}"`).join(', ');
        return `unknown key ${keys}; valid keys are region, comment, ${PRICE_IDS.join(', ')}`;
      }
      const where = issue.path.length > 0 ? `"${issue.path.join('.')}"` : 'the file';
      if (issue.path.length === 0) return `${where} must be a JSON object of price overrides (${issue.message})`;
      const key = String(issue.path[0]);
      if ((PRICE_IDS as readonly string[]).includes(key)) {
        return `${where}: expected a price ≥ 0 in USD, as a number or {"value": number, "source"?: string, "checked"?: "YYYY-MM-DD", "note"?: string} (${issue.message})`;
      }
      return `${where}: ${issue.message}`;
    });
    throw new PriceFileError(origin, problems);
  }
  const prices: Partial<Record<PriceId, SourcedFigure>> = {};
  for (const id of PRICE_IDS) {
    const value = parsed.data[id];
    if (value === undefined) continue;
    const base = { unit: '', source: `--prices ${origin}`, checked: 'not stated' };
    prices[id] =
      typeof value === 'number'
        ? { ...base, value }
        : {
            ...base,
            value: value.value,
            source: value.source ?? base.source,
            checked: value.checked ?? base.checked,
            ...(value.note ? { note: value.note } : {}),
          };
  }
  return parsed.data.region === undefined ? { prices } : { region: parsed.data.region, prices };
}

/**
 * `table` with the overridden figures replaced (units are kept from `table`).
 *
 * @example
 * applyPriceOverrides(DEFAULT_PRICES, parsePriceOverrides('{"sqsRequestsPerMillion": 0.5}', 'x')).sqsRequestsPerMillion.value // 0.5
 */
export function applyPriceOverrides(table: PriceTable, overrides: PriceOverrides): PriceTable {
  const result: Record<PriceId, SourcedFigure> = { ...table };
  for (const id of PRICE_IDS) {
    const override = overrides.prices[id];
    if (override) result[id] = { ...override, unit: table[id].unit };
  }
  return result;
}
