/**
 * How the `dlq` and `replay` commands reach a pipeline: through the admin endpoints of the
 * runtime that holds the data directory's lock, or — when none runs — directly on the database,
 * holding the lock themselves for the few moments they need it (so that a `run` cannot start
 * in between). Either way the same {@link PipelineAdmin} does the work.
 */
import type { Sink } from '../processing/sink.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { isLoopback } from '../shared/index.js';
import type { ReplayResult } from '../eventbridge/index.js';
import { AdminError } from './errors.js';
import { PipelineAdmin, PROGRESS_STREAM_TYPE } from './admin.js';
import type { DeadLetterListing, ProgressStreamLine } from './admin.js';
import type {
  AdminActionOptions,
  DeadLetterDetail,
  DeadLetterKind,
  RedriveRequest,
  RedriveResult,
} from './dead-letters.js';
import { DataDirLock, LOCK_FILE } from './lock.js';
import type { LockInfo } from './lock.js';
import { resolveRuntimeOptions } from './options.js';
import type { RuntimeOptions } from './options.js';
import { LocalPipeline } from './pipeline.js';
import { CONFIG_FILE } from './data-dir.js';

/** The operator's actions, wherever the pipeline is. */
export interface AdminApi {
  /** `running`: through the runtime's admin endpoint; `direct`: on the database (no runtime running). */
  readonly via: 'running' | 'direct';
  listDeadLetters(options: { kinds?: readonly DeadLetterKind[]; limit?: number }): Promise<DeadLetterListing>;
  showDeadLetter(id: string): Promise<DeadLetterDetail>;
  /** `options.onProgress` is told how far it is (through a running runtime too). */
  redrive(request: RedriveRequest, options?: AdminActionOptions): Promise<RedriveResult>;
  /** `options.onProgress` is told how far it is (through a running runtime too). */
  replay(input: { from: string; to: string }, options?: AdminActionOptions): Promise<ReplayResult>;
}

/**
 * Runs `fn` with the admin API of the pipeline in `dataDir`.
 *
 * @example
 * const listing = await withPipelineAdmin('.pipeline', { token }, (api) => api.listDeadLetters({}));
 */
export async function withPipelineAdmin<T>(
  dataDir: string,
  options: { token?: string; sinks?: readonly Sink[] },
  fn: (api: AdminApi) => Promise<T>,
): Promise<T> {
  const holder = DataDirLock.holder(dataDir);
  if (holder) return fn(httpAdmin(holder, dataDir, options.token));
  if (!existsSync(join(dataDir, CONFIG_FILE))) {
    throw new AdminError(
      `No pipeline in ${dataDir}: it has no ${CONFIG_FILE}. Start one with "genesys-pipeline run --data-dir ${dataDir}" (or give the --data-dir it uses).`,
    );
  }
  const saved = JSON.parse(readFileSync(join(dataDir, CONFIG_FILE), 'utf8')) as Omit<
    RuntimeOptions,
    'dataDir' | 'token'
  >;
  const lock = DataDirLock.acquire(dataDir, { mode: `${String(saved.mode)} (admin command)` });
  let pipeline: LocalPipeline | undefined;
  try {
    // No executions here: the processing side stays on this thread (no worker to start).
    // Your sinks (`dlq redrive --sink-module`), for redriving their dead letters to them.
    pipeline = await LocalPipeline.open(resolveRuntimeOptions({ ...pick(saved), dataDir }), {
      processingThread: 'main',
      ...(options.sinks ? { sinks: options.sinks } : {}),
    });
    const admin = new PipelineAdmin(pipeline);
    const api: AdminApi = {
      via: 'direct',
      listDeadLetters: async (o) => admin.listDeadLetters(o),
      showDeadLetter: async (id) => admin.showDeadLetter(id),
      redrive: (request, o) => admin.redrive(request, o),
      replay: (input, o) => admin.replay(input, o),
    };
    return await fn(api);
  } finally {
    await pipeline?.close();
    lock.release();
  }
}

/** The saved options a pipeline needs to be rebuilt the same way (the rest are run-time settings). */
function pick(saved: Record<string, unknown>): Omit<RuntimeOptions, 'dataDir'> {
  const keys = [
    'mode',
    'concurrency',
    'maxConcurrency',
    'batchSize',
    'batchWindowMs',
    'pollers',
    'visibilityTimeoutMs',
    'maxReceiveCount',
    'orgId',
    'suffix',
    'topics',
    'archiveRetentionDays',
    'targetRetry',
  ] as const;
  const out: Record<string, unknown> = {};
  for (const k of keys) if (saved[k] !== undefined) out[k] = saved[k];
  return out as Omit<RuntimeOptions, 'dataDir'>;
}

/**
 * The bearer token goes only where the lock file says the runtime is if that file can be trusted:
 * written by this user (owned by them, not writable by others — a runtime writes it 0600) and
 * naming an address of this machine (loopback, the wildcard, or one of its interfaces'). Otherwise
 * anyone able to write the lock file could collect the token by naming a server of their own.
 */
function assertTrustedForToken(url: string, dataDir: string): void {
  const path = join(dataDir, LOCK_FILE);
  const refuse = (why: string): never => {
    throw new AdminError(
      `The token is not sent to ${url}: ${why}. Check who wrote ${path}; if the runtime is yours, stop and restart it (it rewrites the file).`,
    );
  };
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) refuse(`the lock file ${path} is gone`);
  const uid = process.getuid?.();
  if (uid !== undefined && stat!.uid !== uid) refuse(`the lock file is owned by another user (uid ${stat!.uid})`);
  if ((stat!.mode & 0o022) !== 0)
    refuse(`the lock file is writable by other users (mode ${(stat!.mode & 0o777).toString(8)})`);
  let host: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') refuse('it is not an http(s) URL');
    host = parsed.hostname.replace(/^\[|\]$/g, '');
  } catch {
    return refuse('it is not a URL');
  }
  const local = new Set(['0.0.0.0', '::']);
  for (const addresses of Object.values(networkInterfaces())) for (const a of addresses ?? []) local.add(a.address);
  if (!isLoopback(host) && !local.has(host)) refuse(`${host} is not an address of this machine`);
}

function httpAdmin(holder: LockInfo, dataDir: string, token: string | undefined): AdminApi {
  if (!holder.url)
    throw new AdminError(
      `The runtime of ${dataDir} (PID ${holder.pid}) is starting and does not listen yet; try again in a moment.`,
    );
  if (holder.tokenRequired && token === undefined) {
    throw new AdminError(
      `The runtime of ${dataDir} (PID ${holder.pid}, ${holder.url}) requires its token: pass --token or set GENESYS_PIPELINE_TOKEN.`,
    );
  }
  if (token !== undefined) assertTrustedForToken(holder.url, dataDir);
  const base = holder.url;
  const unreachable = (error: unknown): AdminError =>
    new AdminError(
      `Cannot reach the runtime of ${dataDir} at ${base} (PID ${holder.pid}): ${(error as Error).message}.`,
    );
  const call = async <R>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    options: AdminActionOptions = {},
  ): Promise<R> => {
    const onProgress = options.onProgress;
    const headers: Record<string, string> = {
      accept: onProgress ? `${PROGRESS_STREAM_TYPE}, application/json` : 'application/json',
    };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      throw unreachable(error);
    }
    if (onProgress && response.ok && response.headers.get('content-type')?.startsWith(PROGRESS_STREAM_TYPE)) {
      try {
        return (await readProgressStream(response, onProgress)) as R;
      } catch (error) {
        if (error instanceof AdminError) throw error;
        throw unreachable(error);
      }
    }
    const text = await response.text();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new AdminError(
        `The runtime at ${base} answered ${response.status} with something that is not JSON.`,
        response.status,
      );
    }
    if (!response.ok)
      throw new AdminError(
        (value as { message?: string }).message ?? `The runtime at ${base} answered ${response.status}.`,
        response.status,
      );
    return value as R;
  };
  return {
    via: 'running',
    listDeadLetters: (o) => {
      const q = new URLSearchParams();
      for (const k of o.kinds ?? []) q.append('kind', k);
      if (o.limit !== undefined) q.set('limit', String(o.limit));
      return call('GET', `/admin/dlq${q.size ? `?${q.toString()}` : ''}`);
    },
    showDeadLetter: (id) => call('GET', `/admin/dlq/${encodeURIComponent(id)}`),
    redrive: (request, o) => call('POST', '/admin/dlq/redrive', request, o),
    replay: (input, o) => call('POST', '/admin/replay', input, o),
  };
}

/** Reads a progress stream (see `admin.ts`): progress lines to `onProgress`, then the result. */
async function readProgressStream(
  response: Response,
  onProgress: NonNullable<AdminActionOptions['onProgress']>,
): Promise<unknown> {
  const decoder = new TextDecoder();
  let buffered = '';
  const handle = (text: string): { result: unknown } | undefined => {
    if (text.trim() === '') return undefined;
    const line = JSON.parse(text) as ProgressStreamLine;
    if ('progress' in line) onProgress(line.progress);
    else if ('error' in line) throw new AdminError(line.error.message, line.error.status);
    else return { result: line.result };
    return undefined;
  };
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const done = handle(text);
      if (done) return done.result;
    }
  }
  const done = handle(buffered + decoder.decode());
  if (done) return done.result;
  throw new AdminError(`The runtime's answer ended before its result (it may have stopped).`);
}
