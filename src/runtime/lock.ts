/**
 * One runtime per data directory: a lock file (`runtime.lock`) created with `O_EXCL`, holding the
 * owner's PID, its process start time and where it serves HTTP. A lock whose process is gone
 * (killed, crashed) is stale and is taken over; a live owner gets a clear error. The CLI's
 * `dlq` and `replay` commands read it to find the running runtime's admin endpoint.
 *
 * PIDs are reused: a lock counts as live only if a process with that PID exists *and* (where
 * `/proc` tells) it started when the lock says. SQLite's own write lock stays the last line of
 * defence: two writers can never interleave inside one transaction.
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
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
      `The data directory ${dataDir} is in use by another genesys-pipeline process (PID ${holder.pid}${holder.url ? `, serving ${holder.url}` : ''}, started ${new Date(holder.startedAt).toISOString()}). ` +
        'Stop that process first (Ctrl-C, or kill -TERM ' +
        `${holder.pid}), or use another --data-dir.`,
    );
  }
}

/** The lock file's name inside the data directory. */
const LOCK_FILE = 'runtime.lock';

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
    /** The stale lock this one replaced, if any. */
    readonly tookOverFrom: LockInfo | undefined,
  ) {}

  /** Takes the lock of `dataDir` (which must exist), taking over a stale one. */
  static acquire(dataDir: string, extra: Partial<LockInfo> = {}): DataDirLock {
    const path = join(dataDir, LOCK_FILE);
    const info: LockInfo = { pid: process.pid, hostname: hostname(), startedAt: Date.now(), ...extra };
    const start = processStartTime(process.pid);
    if (start !== undefined) info.processStart = start;
    let staleSeen: LockInfo | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (tryCreate(path, info)) return new DataDirLock(path, info, staleSeen);
      const holder = readLock(path);
      if (holder === undefined) continue; // vanished (or half-written by a process that died): try again
      if (isAlive(holder)) throw new DataDirLockedError(dataDir, holder);
      // Stale: move it aside atomically, and make sure what we moved is the stale lock we read (not
      // a fresh lock another process just wrote); if not, put it back and look again.
      const aside = `${path}.stale-${process.pid}-${attempt}`;
      try {
        renameSync(path, aside);
      } catch {
        continue;
      }
      const moved = readLock(aside);
      if (moved && moved.pid !== holder.pid && isAlive(moved)) {
        try {
          renameSync(aside, path);
        } catch {
          // it is theirs either way; the next attempt sees it
        }
        continue;
      }
      staleSeen = holder;
      try {
        unlinkSync(aside);
      } catch {
        // already gone
      }
    }
    const holder = readLock(path);
    if (holder) throw new DataDirLockedError(dataDir, holder);
    throw new Error(
      `Could not take the lock ${path}: it keeps changing. Is another genesys-pipeline starting on ${dataDir}?`,
    );
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
    const tmp = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(this.info)}\n`);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
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
  }
}

function tryCreate(path: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(info)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
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
