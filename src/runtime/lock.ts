/**
 * One runtime per data directory, by a lock **the kernel releases when the process dies**: an
 * exclusive SQLite lock (a POSIX advisory lock) on `runtime.lock.sqlite`, held for the process's
 * life (`locking_mode = EXCLUSIVE` and a transaction that is never committed). Whoever gets it
 * owns the data directory, whatever the lock file says; whoever does not gets a clear error.
 *
 * Beside it, the lock file (`runtime.lock`) tells the owner's PID, its process start time and where
 * it serves HTTP: the CLI's `dlq` and `replay` commands read it to find the running runtime's admin
 * endpoint. A lock file left by a process that is gone — killed, crashed, written on another host
 * (a container recreated on the same volume), empty or garbled (killed between create and write) —
 * is simply replaced by the process that gets the kernel lock. (As a second check, a lock file of
 * a live process on this host — PID alive with the same start time — still refuses start-up: a
 * runtime of an earlier version, which did not take the kernel lock.) SQLite's own write lock stays
 * the last line of defence: two writers can never interleave inside one transaction.
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LocalRuntimeError } from './errors.js';

/** What the lock file says. */
export interface LockInfo {
  pid: number;
  /** Kernel start time of the process (clock ticks since boot, Linux `/proc/<pid>/stat` field 22), when known. */
  processStart?: string;
  hostname: string;
  /** Epoch ms. */
  startedAt: number;
  /** Where the runtime serves HTTP, once it listens: `http://127.0.0.1:4010`. */
  url?: string;
  /** Whether the HTTP routes need a bearer token (the token itself is never written). */
  tokenRequired?: boolean;
  mode?: string;
}

/** Another live process holds the data directory. */
export class DataDirLockedError extends LocalRuntimeError {
  override readonly name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly holder: LockInfo,
  ) {
    super(
      holder.pid > 0
        ? `The data directory ${dataDir} is in use by another genesys-pipeline process (PID ${holder.pid}${holder.url ? `, serving ${holder.url}` : ''}, started ${new Date(holder.startedAt).toISOString()}). ` +
            `Stop that process first (Ctrl-C, or kill -TERM ${holder.pid}), or use another --data-dir.`
        : `The data directory ${dataDir} is in use by another process: it holds the lock on ${KERNEL_LOCK_FILE} (its ${LOCK_FILE} is missing or unreadable). ` +
            `Find it with "fuser ${dataDir}/${KERNEL_LOCK_FILE}" and stop it, or use another --data-dir. (The lock ends with that process: nothing needs removing by hand.)`,
    );
  }
}

/** The lock file's name inside the data directory. */
export const LOCK_FILE = 'runtime.lock';
/** The file whose exclusive SQLite lock is the lock itself (the kernel releases it with the process). */
const KERNEL_LOCK_FILE = 'runtime.lock.sqlite';

/**
 * Takes the exclusive lock on `runtime.lock.sqlite`, or returns `undefined` if another process
 * holds it. The connection must stay open as long as the lock is held.
 */
function takeKernelLock(dataDir: string): Database.Database | undefined {
  const db = new Database(join(dataDir, KERNEL_LOCK_FILE), { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    return db;
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return undefined;
    throw error;
  }
}

/**
 * The lock on a data directory, held by this process.
 *
 * @example
 * const lock = DataDirLock.acquire('.pipeline');   // throws DataDirLockedError if a live process holds it
 * lock.update({ url: 'http://127.0.0.1:4010' });
 * lock.release();
 */
export class DataDirLock {
  private released = false;

  private constructor(
    readonly path: string,
    private info: LockInfo,
    /** The stale lock file this one replaced, if any (left by a process that is gone). */
    readonly tookOverFrom: LockInfo | undefined,
    private readonly kernelLock: Database.Database,
  ) {}

  /** Takes the lock of `dataDir` (which must exist), replacing a stale lock file. */
  static acquire(dataDir: string, extra: Partial<LockInfo> = {}): DataDirLock {
    const path = join(dataDir, LOCK_FILE);
    const info: LockInfo = { pid: process.pid, hostname: hostname(), startedAt: Date.now(), ...extra };
    const start = processStartTime(process.pid);
    if (start !== undefined) info.processStart = start;
    const kernelLock = takeKernelLock(dataDir);
    if (!kernelLock) {
      const holder = readLock(path);
      if (holder) throw new DataDirLockedError(dataDir, holder);
      throw new DataDirLockedError(dataDir, { pid: 0, hostname: '', startedAt: Date.now() });
    }
    try {
      const previous = readLock(path);
      // An earlier version's runtime (no kernel lock) that is alive on this host.
      if (previous && previous.pid !== process.pid && previous.hostname === hostname() && isAlive(previous))
        throw new DataDirLockedError(dataDir, previous);
      writeAtomically(path, info);
      const lock = new DataDirLock(path, info, previous, kernelLock);
      return lock;
    } catch (error) {
      kernelLock.close();
      throw error;
    }
  }

  /** Who holds the lock of `dataDir` now, if a live process does. */
  static holder(dataDir: string): LockInfo | undefined {
    const info = readLock(join(dataDir, LOCK_FILE));
    return info && isAlive(info) ? info : undefined;
  }

  /** Adds details (the URL once listening) to the lock file. */
  update(extra: Partial<LockInfo>): void {
    if (this.released) return;
    this.info = { ...this.info, ...extra, pid: process.pid };
    writeAtomically(this.path, this.info);
  }

  /** Deletes the lock file (only if it is still ours). */
  release(): void {
    if (this.released) return;
    this.released = true;
    const current = readLock(this.path);
    if (current?.pid === process.pid && existsSync(this.path)) {
      try {
        unlinkSync(this.path);
      } catch {
        // already gone
      }
    }
    if (this.kernelLock.open) this.kernelLock.close();
  }
}

/** Writes the lock file whole or not at all (a temporary file renamed over it), mode 0600. */
function writeAtomically(path: string, info: LockInfo): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(info)}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function readLock(path: string): LockInfo | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const info = JSON.parse(text) as LockInfo;
    return Number.isInteger(info?.pid) && info.pid > 0 ? info : undefined;
  } catch {
    return undefined;
  }
}

/** True when the lock's process still runs (same PID and, where known, same start time). */
function isAlive(info: LockInfo): boolean {
  if (info.hostname !== undefined && info.hostname !== hostname()) return true; // another machine (shared disk): cannot tell, assume live
  try {
    process.kill(info.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (info.processStart === undefined) return true;
  const start = processStartTime(info.pid);
  return start === undefined || start === info.processStart;
}

/** Field 22 of `/proc/<pid>/stat` (start time in clock ticks since boot), or undefined off Linux. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: count from after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}
