/**
 * The simulator's options: what the caller may set, the defaults, and their validation.
 */
import type { SimulatedFamily } from './families.js';
import { SimulationOptionsError } from './errors.js';
import { SIMULATED_MEDIA } from './profiles.js';
import type { SimulatedMedia } from './profiles.js';
import { TYPED_KINDS } from '../events/topics.js';

/** Options of {@link generateEvents}. Only `conversations` is required. */
export interface SimulationOptions {
  /** Number of conversations to simulate (each produces several events). */
  conversations: number;
  /** Seed of the pseudo-random streams; same seed and options → byte-identical output. Default 1. */
  seed?: number;
  /** Arrival time of the first conversation, epoch ms. Default `Date.UTC(2026, 0, 1, 12)`. */
  startTime?: number;
  /** Mean conversation arrivals per second (a Poisson process). Default 2. */
  arrivalRatePerSecond?: number;
  /** Genesys organization id (in the partner event source name). */
  orgId?: string;
  /** Event source suffix of the EventBridge integration (`eventSourceSuffix`). */
  suffix?: string;
  /** AWS account id (12 digits) in the envelope. */
  account?: string;
  /** AWS region in the envelope. */
  region?: string;
  /** Fraction (0..1) of clean events that Genesys delivers a second time (same detail, new envelope id and time). */
  duplicates?: number;
  /** Fraction (0..1) of clean events delivered late, after later events (up to `outOfOrderWindowMs`). */
  outOfOrder?: number;
  /** Fraction (0..1) of clean events followed by a malformed line derived from them. */
  malformed?: number;
  /** Fraction (0..1) of clean events followed by an oversized (> 256 KiB) event of their conversation. */
  oversized?: number;
  /**
   * Relative weights of the media types, e.g. `{ voice: 3, chat: 1 }` (normalized; media not listed
   * are not simulated). Default: voice 0.55, callback 0.05, chat 0.12, message 0.18, email 0.10.
   */
  mediaMix?: Partial<Record<SimulatedMedia, number>>;
  /** Longest extra delay of an out-of-order delivery, ms. Default 30,000. */
  outOfOrderWindowMs?: number;
  /**
   * The families of events to produce (`docs/simulator.md`): `conversation` (the conversation
   * detail events), `user-presence`, `user-routing-status`, `user-activity`, `audit`,
   * `transcription`. Conversations are simulated whatever is chosen (the other families derive
   * from them); only the chosen families are written. Default `['conversation']`.
   */
  families?: readonly SimulatedFamily[];
}

/** {@link SimulationOptions} with every default applied. */
export type ResolvedSimulationOptions = Required<Omit<SimulationOptions, 'mediaMix' | 'families'>> & {
  /** Normalized weights (sum 1), in {@link SIMULATED_MEDIA} order. */
  mediaWeights: readonly number[];
  /** The families to write. */
  families: ReadonlySet<SimulatedFamily>;
};

/** Every family the simulator can produce, in catalogue order. */
export const SIMULATED_FAMILIES: readonly SimulatedFamily[] = TYPED_KINDS;

/** The defaults of {@link SimulationOptions}. */
export const SIMULATION_DEFAULTS = {
  seed: 1,
  startTime: Date.UTC(2026, 0, 1, 12),
  arrivalRatePerSecond: 2,
  orgId: 'a3c1e4b2-6f0d-4e8a-9b7c-2d5f8e1a0c93',
  suffix: 'genesys-event-pipeline',
  account: '123456789012',
  region: 'us-east-1',
  duplicates: 0,
  outOfOrder: 0,
  malformed: 0,
  oversized: 0,
  outOfOrderWindowMs: 30_000,
  mediaMix: { voice: 0.55, callback: 0.05, chat: 0.12, message: 0.18, email: 0.1 } as Readonly<
    Record<SimulatedMedia, number>
  >,
} as const;

/**
 * Applies the defaults and validates every option.
 *
 * @throws SimulationOptionsError listing every invalid option.
 */
export function resolveSimulationOptions(options: SimulationOptions): ResolvedSimulationOptions {
  const d = SIMULATION_DEFAULTS;
  const resolved = {
    conversations: options.conversations,
    seed: options.seed ?? d.seed,
    startTime: options.startTime ?? d.startTime,
    arrivalRatePerSecond: options.arrivalRatePerSecond ?? d.arrivalRatePerSecond,
    orgId: options.orgId ?? d.orgId,
    suffix: options.suffix ?? d.suffix,
    account: options.account ?? d.account,
    region: options.region ?? d.region,
    duplicates: options.duplicates ?? d.duplicates,
    outOfOrder: options.outOfOrder ?? d.outOfOrder,
    malformed: options.malformed ?? d.malformed,
    oversized: options.oversized ?? d.oversized,
    outOfOrderWindowMs: options.outOfOrderWindowMs ?? d.outOfOrderWindowMs,
  };
  const problems: string[] = [];
  const integer = (name: string, v: number, min: number) => {
    if (!Number.isSafeInteger(v) || v < min) problems.push(`${name} must be a whole number ≥ ${min}, got ${String(v)}`);
  };
  integer('conversations', resolved.conversations, 0);
  integer('seed', resolved.seed, 0);
  integer('startTime', resolved.startTime, 0);
  integer('outOfOrderWindowMs', resolved.outOfOrderWindowMs, 1000);
  if (!(Number.isFinite(resolved.arrivalRatePerSecond) && resolved.arrivalRatePerSecond > 0)) {
    problems.push(`arrivalRatePerSecond must be a number > 0, got ${String(resolved.arrivalRatePerSecond)}`);
  }
  for (const name of ['duplicates', 'outOfOrder', 'malformed', 'oversized'] as const) {
    const v = resolved[name];
    if (!(typeof v === 'number' && v >= 0 && v <= 1))
      problems.push(`${name} must be a fraction from 0 to 1, got ${String(v)}`);
  }
  if (typeof resolved.orgId !== 'string' || !/^[^/\s]+$/.test(resolved.orgId)) {
    problems.push(
      `orgId must be a non-empty id without "/" or spaces (the Genesys organization id), got ${JSON.stringify(resolved.orgId)}`,
    );
  }
  if (typeof resolved.suffix !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(resolved.suffix)) {
    problems.push(
      `suffix must be 1–64 letters, digits, ".", "-" or "_" (the integration's eventSourceSuffix), got ${JSON.stringify(resolved.suffix)}`,
    );
  }
  if (typeof resolved.account !== 'string' || !/^\d{12}$/.test(resolved.account)) {
    problems.push(`account must be a 12-digit AWS account id, got ${JSON.stringify(resolved.account)}`);
  }
  if (typeof resolved.region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(resolved.region)) {
    problems.push(`region must be an AWS region such as "us-east-1", got ${JSON.stringify(resolved.region)}`);
  }
  const mix = options.mediaMix ?? d.mediaMix;
  for (const key of Object.keys(mix)) {
    if (!(SIMULATED_MEDIA as readonly string[]).includes(key))
      problems.push(`mediaMix has unknown media "${key}"; use ${SIMULATED_MEDIA.join(', ')}`);
  }
  const weights = SIMULATED_MEDIA.map((m) => mix[m] ?? 0);
  if (weights.some((w) => !(Number.isFinite(w) && w >= 0))) problems.push('mediaMix weights must be numbers ≥ 0');
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) problems.push('mediaMix must give at least one media a weight > 0');
  const families = options.families ?? ['conversation'];
  for (const family of families) {
    if (!(SIMULATED_FAMILIES as readonly string[]).includes(family))
      problems.push(`families has unknown family "${String(family)}"; use ${SIMULATED_FAMILIES.join(', ')}`);
  }
  if (families.length === 0) problems.push('families must name at least one family');
  if (problems.length) throw new SimulationOptionsError(problems);
  return { ...resolved, mediaWeights: weights.map((w) => w / total), families: new Set(families) };
}
