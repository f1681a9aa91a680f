/**
 * Loading your sink modules into the local runtime (`genesys-pipeline run --sink ./my-sink.ts`):
 * the same modules the CDK construct bundles into the processor on AWS (`sinks: [{ entry }]`).
 * TypeScript modules are imported through tsx, JavaScript ones as they are.
 */
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SinkModuleError } from '../processing/errors.js';
import { sinksFromModules } from '../processing/sink-module.js';
import type { Sink } from '../processing/sink.js';

/** One sink module: its path and the options for its factory. */
export interface SinkModuleSource {
  /** The module's file (TypeScript or JavaScript), relative to `cwd` or absolute. */
  path: string;
  /** Options for the module's factory (see `SinkFactory`). */
  options?: Record<string, unknown>;
}

/**
 * Imports each module and takes its sink, in order.
 *
 * @example
 * const sinks = await loadSinkModules([{ path: './examples/sinks/crm-sink.ts', options: { url } }]);
 * await startRuntime(options, { sinks });
 * @throws SinkModuleError when a file is missing or fails to load, or exports no sink.
 */
export async function loadSinkModules(sources: readonly SinkModuleSource[], cwd = process.cwd()): Promise<Sink[]> {
  const modules = [];
  for (const source of sources) {
    const file = resolve(cwd, source.path);
    if (!existsSync(file)) throw new SinkModuleError(`Sink module ${source.path} does not exist (looked for ${file}).`);
    let module: unknown;
    try {
      module = /^\.[mc]?tsx?$/.test(extname(file))
        ? await (await import('tsx/esm/api')).tsImport(pathToFileURL(file).href, import.meta.url)
        : await import(pathToFileURL(file).href);
    } catch (error) {
      throw new SinkModuleError(
        `Sink module ${source.path} failed to load: ${(error as Error)?.message ?? String(error)}`,
        {
          cause: error,
        },
      );
    }
    modules.push({ module, source: source.path, ...(source.options !== undefined ? { options: source.options } : {}) });
  }
  return sinksFromModules(modules);
}
