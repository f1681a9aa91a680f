/**
 * The admission decision alone (src/runtime/admission.ts), fed with samples: throttling starts at
 * a threshold and ends only at its resume level (hysteresis), for the backlog and the free disk
 * space each; events accepted between samples count at once; 0 turns a check off. The runtime
 * with it: test/runtime/backpressure.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { Admission, ADMISSION_DEFAULTS, resolveAdmissionLimits } from '../../src/runtime/admission.js';

const MIB = 1024 * 1024;

describe('Admission', () => {
  it('throttles at the backlog limit and accepts again only at 80 % of it', () => {
    const a = new Admission(resolveAdmissionLimits({ maxBacklog: 100, minFreeDiskBytes: 0 }));
    a.sample({ backlog: 99 });
    expect(a.verdict()).toEqual({ admit: true });
    a.accepted(1);
    const refused = a.verdict();
    expect(refused).toMatchObject({ admit: false, reason: 'backlog' });
    expect(!refused.admit && refused.message).toMatch(/100 events wait.*--max-backlog.*again at 80/);
    a.sample({ backlog: 90 });
    expect(a.verdict().admit).toBe(false); // between the levels: still throttling
    a.sample({ backlog: 81 });
    expect(a.verdict().admit).toBe(false);
    a.sample({ backlog: 80 });
    expect(a.verdict()).toEqual({ admit: true });
    a.sample({ backlog: 99 }); // below the limit again: no flapping on the way up either
    expect(a.verdict().admit).toBe(true);
    expect(a.status()).toMatchObject({ state: 'accepting', throttledRequests: 3, maxBacklog: 100, resumeBacklog: 80 });
  });

  it('throttles below the free disk minimum and accepts again at 125 % of it; the disk is named first', () => {
    const a = new Admission(resolveAdmissionLimits({ maxBacklog: 10, minFreeDiskBytes: 100 * MIB }));
    a.sample({ backlog: 0, freeDiskBytes: 99 * MIB });
    const refused = a.verdict();
    expect(refused).toMatchObject({ admit: false, reason: 'disk' });
    expect(!refused.admit && refused.message).toMatch(/99 MiB free, below the minimum of 100 MiB.*again at 125 MiB/);
    a.sample({ backlog: 50, freeDiskBytes: 99 * MIB });
    expect(a.verdict()).toMatchObject({ reason: 'disk' });
    a.sample({ backlog: 50, freeDiskBytes: 124 * MIB }); // disk still recovering, backlog over its limit
    expect(a.verdict()).toMatchObject({ reason: 'disk' });
    a.sample({ backlog: 50, freeDiskBytes: 125 * MIB });
    expect(a.verdict()).toMatchObject({ reason: 'backlog' });
    a.sample({ backlog: 8, freeDiskBytes: 125 * MIB });
    expect(a.verdict()).toEqual({ admit: true });
    expect(a.status()).toMatchObject({ state: 'accepting', freeDiskBytes: 125 * MIB });
  });

  it('an unknown free space neither throttles nor keeps throttling; 0 turns each check off', () => {
    const a = new Admission(resolveAdmissionLimits({ maxBacklog: 0, minFreeDiskBytes: 0 }));
    a.sample({ backlog: 1e9, freeDiskBytes: 0 });
    expect(a.verdict()).toEqual({ admit: true });
    const b = new Admission(resolveAdmissionLimits({ minFreeDiskBytes: MIB }));
    b.sample({ backlog: 0 });
    expect(b.verdict()).toEqual({ admit: true });
    expect(b.status().freeDiskBytes).toBeNull();
  });

  it('has defaults and explains bad thresholds', () => {
    expect(resolveAdmissionLimits()).toEqual({
      maxBacklog: ADMISSION_DEFAULTS.maxBacklog,
      resumeBacklog: ADMISSION_DEFAULTS.maxBacklog * 0.8,
      minFreeDiskBytes: 512 * MIB,
      resumeFreeDiskBytes: 640 * MIB,
    });
    const problems: string[] = [];
    resolveAdmissionLimits({ maxBacklog: -1, minFreeDiskBytes: 1.5 }, problems);
    expect(problems).toEqual([
      expect.stringMatching(/^maxBacklog \(--max-backlog\) must be a whole number/),
      expect.stringMatching(/^minFreeDiskBytes \(--min-free-disk-mb\) must be a whole/),
    ]);
  });
});
