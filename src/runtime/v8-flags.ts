/**
 * The V8 setting the local runtime runs with, applied by `genesys-pipeline run` (and the
 * benchmark) before the runtime starts; see `docs/runtime.md`, "Memory".
 */
import { setFlagsFromString } from 'node:v8';

/**
 * Turns off V8's allocation-site pretenuring for this process (every isolate, the processing
 * thread's included): `--no-allocation-site-pretenuring`.
 *
 * V8 allocates objects straight into the old generation from any allocation site whose objects
 * mostly survived a young-generation collection. The runtime's per-event objects (events waiting
 * for a group commit, messages of a batch in flight) live just long enough to qualify, and then
 * die: once such a site was pretenured, the main thread filled its old generation with them and
 * ran frequent full collections, whose concurrent marking cost the GC helper threads CPU on every
 * event. Whether it happens depended on the run's history. Without pretenuring these objects die
 * young, which is cheap (the figures: docs/runtime.md, "Performance", the fourth round).
 *
 * Process-wide, and meant for a process that runs the pipeline: an embedding application decides
 * its V8 settings itself (the same flag on its command line has the same effect).
 *
 * @example
 * applyRuntimeV8Flags();
 * const runtime = await startRuntime({ dataDir: '.pipeline' });
 */
export function applyRuntimeV8Flags(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
