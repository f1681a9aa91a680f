import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_OPTIONS, backoffDelay, parseRetryAfter, withRetries } from '../../src/genesys/retry.js';
import type { RetryDeps, RetryOptions } from '../../src/genesys/retry.js';
import { Secret, redact } from '../../src/genesys/secret.js';

/** A clock that only moves when the code under test sleeps. */
function virtualTime(random = () => 0.5): RetryDeps & { sleeps: number[] } {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    random,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

const options: RetryOptions = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000, maxElapsedMs: 10_000 };

describe('backoffDelay (full jitter)', () => {
  it('draws from [0, min(max, base·2^(n-1)))', () => {
    expect(backoffDelay(1, options, () => 0)).toBe(0);
    expect(backoffDelay(1, options, () => 0.999)).toBe(99);
    expect(backoffDelay(3, options, () => 0.5)).toBe(200);
    expect(backoffDelay(10, options, () => 0.999)).toBe(999);
  });

  it('has production defaults that are bounded in attempts and time', () => {
    expect(DEFAULT_RETRY_OPTIONS).toEqual({
      maxAttempts: 6,
      baseDelayMs: 500,
      maxDelayMs: 20_000,
      maxElapsedMs: 120_000,
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('42')).toBe(42_000);
    expect(parseRetryAfter(' 0 ')).toBe(0);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('withRetries', () => {
  it('retries with backoff until success', async () => {
    const time = virtualTime();
    let calls = 0;
    const result = await withRetries(
      async () => (++calls < 3 ? Promise.reject(new Error('x')) : 'ok'),
      () => ({ retry: true }),
      options,
      time,
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(time.sleeps).toEqual([50, 100]);
  });

  it('waits exactly the Retry-After the failure carries', async () => {
    const time = virtualTime();
    let calls = 0;
    await withRetries(
      async () => (++calls < 2 ? Promise.reject(new Error('429')) : 'ok'),
      () => ({ retry: true, retryAfterMs: 3000 }),
      options,
      time,
    );
    expect(time.sleeps).toEqual([3000]);
  });

  it('stops after maxAttempts and reports the attempts made', async () => {
    const time = virtualTime();
    let calls = 0;
    const error = await withRetries(
      async () => {
        calls++;
        throw new Error('always');
      },
      () => ({ retry: true }),
      options,
      time,
      undefined,
      (e, attempts) => new Error(`${(e as Error).message} after ${attempts}`),
    ).catch((e: unknown) => e);
    expect(calls).toBe(5);
    expect((error as Error).message).toBe('always after 5');
  });

  it('gives up at once when the next wait would pass the time budget', async () => {
    const time = virtualTime();
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw new Error('429');
        },
        () => ({ retry: true, retryAfterMs: 60_000 }),
        options,
        time,
      ),
    ).rejects.toThrow('429');
    expect(calls).toBe(1);
    expect(time.sleeps).toEqual([]);
  });

  it('does not retry a failure classified as final', async () => {
    const time = virtualTime();
    let calls = 0;
    await expect(
      withRetries(
        async () => Promise.reject(new Error(`no ${++calls}`)),
        () => ({ retry: false }),
        options,
        time,
      ),
    ).rejects.toThrow('no 1');
  });

  it('tells the observer about each retry', async () => {
    const events: number[] = [];
    const time = { ...virtualTime(), onRetry: (e: { delayMs: number }) => events.push(e.delayMs) };
    let calls = 0;
    await withRetries(
      async () => (++calls < 3 ? Promise.reject(new Error('x')) : 'ok'),
      () => ({ retry: true }),
      options,
      time,
    );
    expect(events).toEqual([50, 100]);
  });
});

describe('Secret and redact', () => {
  it('hide values in strings, JSON and messages', () => {
    const secret = new Secret('abcd-1234');
    expect(`${secret}`).toBe('[redacted]');
    expect(JSON.stringify({ secret })).toBe('{"secret":"[redacted]"}');
    expect(redact('got abcd-1234 and tok-99999', [secret, 'tok-99999', undefined, 'ab'])).toBe(
      'got [redacted] and [redacted]',
    );
  });
});
