/** inspectLines: the summary behind `genesys-pipeline inspect`. */
import { describe, expect, it } from 'vitest';
import { generateAnnotatedEvents, inspectLines } from '../../src/simulate/index.js';
import { conversationEvent } from '../support/events.js';

describe('inspectLines', () => {
  it('counts valid events by topic, conversations, duplicates and invalid lines of a simulated file', async () => {
    const lines = [...generateAnnotatedEvents({ conversations: 500, seed: 12, duplicates: 0.04, malformed: 0.04 })];
    const report = await inspectLines(lines.map((l) => l.line));
    const faults = (f: string) => lines.filter((l) => l.fault === f).length;
    expect(report.lines).toBe(lines.length);
    expect(report.invalid).toBe(faults('malformed'));
    expect(report.valid).toBe(lines.length - faults('malformed'));
    expect(report.duplicates).toBe(faults('duplicate'));
    expect(report.conversations).toBe(500);
    expect(report.byTopic['v2.detail.events.conversation.{id}.customer.start']).toBeGreaterThanOrEqual(500);
    expect(Object.values(report.byTopic).reduce((a, b) => a + b, 0)).toBe(report.valid);
    expect(report.invalidLines).toHaveLength(Math.min(50, report.invalid));
    for (const invalid of report.invalidLines) {
      expect(lines[invalid.line - 1]!.fault).toBe('malformed');
      expect(invalid.problems.length).toBeGreaterThan(0);
      expect(invalid.problems[0]!.message.length).toBeGreaterThan(10);
    }
    expect(Object.values(report.invalidByReason).reduce((a, b) => a + b, 0)).toBe(report.invalid);
    for (const d of report.duplicateExamples) {
      expect(lines[d.line - 1]!.fault).toBe('duplicate');
      expect(d.firstLine).toBeLessThan(d.line);
      expect(JSON.parse(lines[d.firstLine - 1]!.line).detail).toEqual(JSON.parse(lines[d.line - 1]!.line).detail);
    }
    expect(report.sources).toHaveProperty([
      'aws.partner/genesys.com/cloud/a3c1e4b2-6f0d-4e8a-9b7c-2d5f8e1a0c93/genesys-event-pipeline',
    ]);
    expect(report.hints.some((h) => h.includes('re-deliveries'))).toBe(true);
  });

  it('explains captured lines that are not Genesys events', async () => {
    const valid = JSON.stringify(conversationEvent('acd.end', { acdOutcome: 'ABANDON' }));
    const tutorial = JSON.stringify({
      ...conversationEvent('acd.end'),
      source: 'genesys.cloud',
      'detail-type': 'Conversation Updated',
    });
    const prefixed = `2026-01-01T12:00:00.000Z\t${valid}`;
    const report = await inspectLines(['', valid, tutorial, prefixed, `[${valid}]`, valid, '\r'], { maxListed: 2 });
    expect(report).toMatchObject({ lines: 7, blankLines: 2, valid: 2, invalid: 3, duplicates: 1, conversations: 1 });
    expect(report.invalidLines.map((l) => l.line)).toEqual([3, 4]);
    expect(report.invalidLines[0]!.problems[0]!.path).toBe('$.source');
    expect(report.unexpectedDetailTypes).toEqual({ 'Conversation Updated': 1 });
    expect(report.sources).toEqual({
      'aws.partner/genesys.com/cloud/b0e1c2d3-0000-4000-8000-00000000abcd/test-suffix': 2,
      'genesys.cloud': 1,
    });
    expect(report.hints.join('\n')).toMatch(/text before the JSON object/);
    expect(report.hints.join('\n')).toMatch(/original tutorial/);
    expect(report.hints.join('\n')).toMatch(/JSON arrays/);
    expect(report.duplicateExamples).toEqual([
      {
        line: 6,
        firstLine: 2,
        topic: 'v2.detail.events.conversation.{id}.acd.end',
        conversationId: '5f1c2d3e-4a5b-4c6d-8e7f-9a8b7c6d5e4f',
      },
    ]);
    expect(report.eventTimeRange).toEqual({ first: 1767268800000, last: 1767268800000 });
  });
});
