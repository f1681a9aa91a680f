/**
 * Your own sink modules: what `sinkFromModule` accepts (a sink, or a factory of its options) and
 * what it refuses with a message saying how to fix it; `sinksFromModules` refuses two sinks of one
 * name and the names of the pipeline's own sinks (dead letters and redrives tell sinks apart by name).
 */
import { describe, expect, it } from 'vitest';
import { RESERVED_SINK_NAMES, sinkFromModule, sinksFromModules } from '../../src/processing/sink-module.js';
import type { Sink } from '../../src/processing/sink.js';
import { FAN_OUT_SINK_NAME } from '../../src/processing/sinks/event-bus.js';
import { LAKE_SINK_NAME } from '../../src/processing/sinks/lake-files.js';

const sinkNamed = (name: string): Sink => ({ name, handle: async () => {} });

describe('sink modules', () => {
  it('takes a sink object, or a factory given the options', async () => {
    expect((await sinkFromModule({ module: { default: sinkNamed('crm') }, source: 'a.ts' })).name).toBe('crm');
    const factory = (options: { suffix: string }) => sinkNamed(`crm-${options.suffix}`);
    const made = await sinkFromModule({ module: { createSink: factory }, options: { suffix: 'eu' }, source: 'b.ts' });
    expect(made.name).toBe('crm-eu');
  });

  it('refuses a module without a sink, a failing factory and a bad name, saying what to do', async () => {
    await expect(sinkFromModule({ module: {}, source: 'none.ts' })).rejects.toThrow(
      /Sink module none\.ts has no default export\. A sink module must export/,
    );
    const failing = () => {
      throw new Error('no table given');
    };
    await expect(sinkFromModule({ module: { default: failing }, source: 'f.ts' })).rejects.toThrow(
      'The factory of sink module f.ts failed: no table given',
    );
    await expect(sinkFromModule({ module: { default: sinkNamed('has space') }, source: 'n.ts' })).rejects.toThrow(
      /named "has space": a sink's name is 1–64 letters/,
    );
  });

  it.each([...RESERVED_SINK_NAMES])(
    'refuses a sink of yours named "%s", the name of one of the pipeline’s own',
    async (name) => {
      await expect(sinksFromModules([{ module: { default: sinkNamed(name) }, source: 'mine.ts' }])).rejects.toThrow(
        `The sink of mine.ts is named "${name}", the name of the pipeline's own sink; rename it.`,
      );
    },
  );

  it('names the pipeline’s own sinks: the projections, the fan-out bus and the data lake', () => {
    expect([...RESERVED_SINK_NAMES].sort()).toEqual(['projections', FAN_OUT_SINK_NAME, LAKE_SINK_NAME].sort());
  });

  it('refuses two sinks of one name', async () => {
    await expect(
      sinksFromModules([
        { module: { default: sinkNamed('crm') }, source: 'one.ts' },
        { module: { default: sinkNamed('crm') }, source: 'two.ts' },
      ]),
    ).rejects.toThrow('The sinks of one.ts and two.ts are both named "crm"');
  });
});
