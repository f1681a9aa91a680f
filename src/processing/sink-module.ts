/**
 * Your own sinks as modules: what a sink module exports, and how the processor gets a
 * {@link Sink} from it — the same on AWS (the construct bundles the module into the processor)
 * and locally (`genesys-pipeline run --sink ./my-sink.ts` imports it).
 *
 * A sink module's default export (or its export named `createSink`) is either a sink, or a
 * function that takes the sink's options and returns one (or a promise of one):
 *
 * ```ts
 * import type { SinkFactory } from 'genesys-event-pipeline/processing';
 * const createSink: SinkFactory<{ url: string }> = (options) => ({
 *   name: 'crm',
 *   async handle(event, context) { … },
 * });
 * export default createSink;
 * ```
 */
import { SinkModuleError } from './errors.js';
import type { Sink } from './sink.js';

/** What a sink module may export as `default` or `createSink`: a function of the sink's options. */
export type SinkFactory<Options = Record<string, unknown>> = (options: Options) => Sink | Promise<Sink>;

/** One sink module to load: the module's namespace object, the options for its factory, and where it came from (for errors). */
export interface SinkModule {
  /** The module namespace (`await import(…)`, or `import * as m` in a bundle). */
  module: unknown;
  /** Options for the module's factory (default `{}`); a module exporting a sink object takes none. */
  options?: unknown;
  /** The module's path as the user gave it, for error messages. */
  source: string;
}

/** A sink's name: letters, digits, `.`, `_`, `-`; 1–64 characters, starting with a letter or digit. */
export const SINK_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Names the pipeline's own sinks use: the projections, the fan-out bus, the data lake. */
export const RESERVED_SINK_NAMES: readonly string[] = ['projections', 'fan-out', 'lake'];

/**
 * The sink a module exports (see the module comment).
 *
 * @throws SinkModuleError when the module exports no sink or factory, the factory returns no
 * sink, or the sink's name does not match {@link SINK_NAME_PATTERN}.
 */
export async function sinkFromModule({ module, options, source }: SinkModule): Promise<Sink> {
  const exports = (module ?? {}) as Record<string, unknown>;
  const exported = exports.createSink ?? exports.default;
  const expected =
    'A sink module must export (as default, or as "createSink") a sink — { name, handle(event, context) } — or a function (options) => sink; see docs/processing.md, "Write your own sink".';
  if (exported === undefined) throw new SinkModuleError(`Sink module ${source} has no default export. ${expected}`);
  let sink: unknown = exported;
  if (typeof exported === 'function' && !isSink(exported)) {
    try {
      sink = await (exported as SinkFactory<unknown>)(options ?? {});
    } catch (error) {
      throw new SinkModuleError(
        `The factory of sink module ${source} failed: ${(error as Error)?.message ?? String(error)}`,
        { cause: error },
      );
    }
  } else if (options !== undefined && Object.keys(options as object).length > 0) {
    throw new SinkModuleError(
      `Sink module ${source} exports a sink object, which takes no options; export a function (options) => sink to use them.`,
    );
  }
  if (!isSink(sink)) throw new SinkModuleError(`Sink module ${source} did not give a sink. ${expected}`);
  if (!SINK_NAME_PATTERN.test(sink.name))
    throw new SinkModuleError(
      `The sink of ${source} is named ${JSON.stringify(sink.name)}: a sink's name is 1–64 letters, digits, ".", "_" or "-" (it appears in dead-letter entries and in "dlq redrive --sink NAME").`,
    );
  return sink;
}

/**
 * The sinks of several modules, in order; their names must be distinct and not those of the
 * pipeline's own sinks.
 *
 * @example
 * const sinks = await sinksFromModules([{ module: await import('./crm-sink.js'), options: { url }, source: './crm-sink.js' }]);
 */
export async function sinksFromModules(modules: readonly SinkModule[]): Promise<Sink[]> {
  const sinks: Sink[] = [];
  const sources = new Map<string, string>();
  for (const m of modules) {
    const sink = await sinkFromModule(m);
    if (RESERVED_SINK_NAMES.includes(sink.name))
      throw new SinkModuleError(
        `The sink of ${m.source} is named "${sink.name}", the name of the pipeline's own sink; rename it.`,
      );
    const other = sources.get(sink.name);
    if (other !== undefined)
      throw new SinkModuleError(
        `The sinks of ${other} and ${m.source} are both named "${sink.name}"; names tell the sinks apart in dead letters and redrives: rename one.`,
      );
    sources.set(sink.name, m.source);
    sinks.push(sink);
  }
  return sinks;
}

function isSink(value: unknown): value is Sink {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  const v = value as { name?: unknown; handle?: unknown };
  return typeof v.handle === 'function' && typeof v.name === 'string';
}
