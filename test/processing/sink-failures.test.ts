/**
 * Sinks fail independently: a sink that gives up on an event (permanently, or at its limit of
 * transient failures) dead-letters it for itself alone, named in the entry; the sinks after it
 * still run; `deliver` gives the event to that sink alone (the redrive), and a whole event
 * delivered again runs every sink again.
 */
import { describe, expect, it } from 'vitest';
import {
  PermanentProcessingError,
  ProcessorConfigError,
  TransientProcessingError,
} from '../../src/processing/index.js';
import type { Sink } from '../../src/processing/index.js';
import { tempDir } from '../support/tmp.js';
import { sqliteProcessor } from './support.js';
import { eventLine } from '../workflow/support.js';

const dir = tempDir('gep-sink-failures-');

/** A sink that records the keys it saw and fails as `behaviour` says. */
function sink(name: string, behaviour: () => void = () => {}): Sink & { seen: string[] } {
  const seen: string[] = [];
  return {
    name,
    seen,
    async handle(event) {
      seen.push(event.key);
      behaviour();
    },
  };
}

const processorOf = (sinks: Sink[], maxAttempts?: number) => sqliteProcessor(dir, sinks, maxAttempts);

const event = (i: number) => JSON.parse(eventLine(i)) as Record<string, unknown>;

describe('sinks fail independently', () => {
  it('a sink failing permanently dead-letters the event for itself; the sinks after it still run', async () => {
    let broken = true;
    const crm = sink('crm', () => {
      if (broken) throw new PermanentProcessingError('CRM rejected the update (HTTP 400)');
    });
    const lake = sink('lake');
    const { processor, deadLetters } = processorOf([sink('first'), crm, lake], 5);
    const e = event(1);
    const result = await processor.process({ messageId: 'm1', event: e });
    expect(result).toMatchObject({ status: 'dead-lettered', sinks: [{ sink: 'crm' }] });
    expect(lake.seen).toHaveLength(1);
    const entries = await deadLetters.list();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      id: `process#${result.key}@crm`,
      sink: 'crm',
      stage: 'process',
      errorName: 'PermanentProcessingError',
      reason: 'Sink "crm" failed permanently: PermanentProcessingError: CRM rejected the update (HTTP 400)',
    });
    expect(result.deadLetterId).toBe(entries[0]!.id);

    // The redrive: to that sink alone.
    broken = false;
    expect(await processor.deliver({ messageId: 'r1', event: JSON.parse(entries[0]!.body) }, 'crm')).toMatchObject({
      status: 'processed',
      key: result.key,
    });
    expect(crm.seen).toHaveLength(2);
    expect(lake.seen).toHaveLength(1);
  });

  it('a sink failing transiently holds the ones after it up to its limit, then gives up alone', async () => {
    const flaky = sink('flaky', () => {
      throw new TransientProcessingError('downstream down');
    });
    const after = sink('after');
    const { processor, deadLetters } = processorOf([flaky, after], 3);
    const e = event(2);
    for (const id of ['a', 'b']) {
      await expect(processor.process({ messageId: id, event: e })).rejects.toThrow(/sink "flaky": .*downstream down/);
      expect(after.seen).toHaveLength(0); // waits for the retry: a later sink may rely on earlier ones
    }
    const result = await processor.process({ messageId: 'c', event: e });
    expect(result).toMatchObject({ status: 'dead-lettered', sinks: [{ sink: 'flaky' }] });
    expect(after.seen).toHaveLength(1);
    const [entry] = await deadLetters.list();
    expect(entry).toMatchObject({ sink: 'flaky' });
    expect(entry!.reason).toMatch(/^Sink "flaky" failed 3 times \(the limit is 3 attempts across deliveries\)/);
  });

  it('each sink is counted on its own: a failure of one never brings another closer to its limit', async () => {
    let aFails = 2;
    let bFails = 2;
    const a = sink('a', () => {
      if (aFails-- > 0) throw new TransientProcessingError('a down');
    });
    const b = sink('b', () => {
      if (bFails-- > 0) throw new TransientProcessingError('b down');
    });
    const { processor, deadLetters } = processorOf([a, b], 3);
    const e = event(3);
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await processor.process({ messageId: `m${i}`, event: e }).then(
        (x) => x.status,
        () => 'retry',
      );
      outcomes.push(r);
      if (r !== 'retry') break;
    }
    // a fails twice, then b twice (4 attempts in all, more than the limit of 3), and no sink gave up.
    expect(outcomes).toEqual(['retry', 'retry', 'retry', 'retry', 'processed']);
    expect(await deadLetters.list()).toEqual([]);
  });

  it('an event a sink gave up on is not stored as done: delivered again, every sink runs again', async () => {
    const failing = sink('failing', () => {
      throw new PermanentProcessingError('no');
    });
    const other = sink('other');
    const { processor, deadLetters } = processorOf([failing, other]);
    const e = event(4);
    expect((await processor.process({ messageId: 'x', event: e })).status).toBe('dead-lettered');
    expect((await processor.process({ messageId: 'y', event: e })).status).toBe('dead-lettered');
    expect(other.seen).toHaveLength(2);
    expect(await deadLetters.list()).toHaveLength(1); // the same entry, replaced
  });

  it('two sinks giving up: one entry each', async () => {
    const no = () => {
      throw new PermanentProcessingError('no');
    };
    const { processor, deadLetters } = processorOf([sink('one', no), sink('two', no)]);
    const result = await processor.process({ messageId: 'x', event: event(5) });
    expect(result.sinks?.map((s) => s.sink)).toEqual(['one', 'two']);
    expect((await deadLetters.list()).map((d) => d.sink).sort()).toEqual(['one', 'two']);
  });

  it('deliver: a sink failing again is dead-lettered again; transient failures throw; unknown names are refused', async () => {
    let mode: 'permanent' | 'transient' = 'permanent';
    const s = sink('s', () => {
      throw mode === 'permanent' ? new PermanentProcessingError('still broken') : new TransientProcessingError('busy');
    });
    const { processor, deadLetters } = processorOf([s]);
    const request = { messageId: 'r', event: event(6) };
    expect(await processor.deliver(request, 's')).toMatchObject({ status: 'dead-lettered', sinks: [{ sink: 's' }] });
    expect((await deadLetters.list())[0]!.reason).toContain('still broken');
    mode = 'transient';
    await expect(processor.deliver(request, 's')).rejects.toBeInstanceOf(TransientProcessingError);
    await expect(processor.deliver(request, 'nope')).rejects.toThrow(ProcessorConfigError);
    await expect(processor.deliver(request, 'nope')).rejects.toThrow(
      /No sink is named "nope"; this processor's sinks are "s"/,
    );
  });

  it('refuses two sinks of one name', () => {
    expect(() => processorOf([sink('x'), sink('x')])).toThrow(/Two sinks are named "x"/);
  });
});
