/**
 * `genesys-pipeline inspect` as a user runs it on captured events: a child process of the real
 * CLI reading a real file (or stdin), its report, and its exit status.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conversationEvent } from '../support/events.js';
import { runCli } from '../support/cli.js';
import type { CliRun } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

function inspect(args: string[], stdin?: string): Promise<CliRun> {
  return runCli(['inspect', ...args], stdin === undefined ? {} : { stdin });
}

const dir = tempDir('gep-cli-inspect-');

/** A capture as a user might bring it: good events, a re-delivery, and the usual mistakes. */
function capturedFile(): string {
  const good = conversationEvent('customer.start');
  const redelivered = { ...good, id: '9c1f7a10-6f5e-4f3b-9a51-8f2d6c1b2a99', time: '2026-01-01T12:00:07Z' };
  const tutorial = { ...conversationEvent('acd.end'), source: 'genesys.cloud', 'detail-type': 'Conversation Updated' };
  const noDetail = { ...conversationEvent('user.start') };
  delete noDetail.detail;
  const lines = [
    JSON.stringify(good),
    JSON.stringify(tutorial),
    JSON.stringify(redelivered),
    '',
    JSON.stringify(noDetail),
    `2026-01-01T12:00:00.000Z ${JSON.stringify(good)}`,
    JSON.stringify(good).slice(0, 80),
    JSON.stringify(conversationEvent('acd.end', { acdOutcome: 'ANSWERED', connectedDurationMs: -1 })),
  ];
  const file = join(dir, 'captured.ndjson');
  writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  return file;
}

describe('genesys-pipeline inspect', () => {
  it('lists every invalid line with its number and reason, counts duplicates, gives hints, and exits 1', async () => {
    const run = await inspect([capturedFile()]);
    expect(run.code).toBe(1);
    const out = run.stdout;
    expect(out).toMatch(/captured\.ndjson: 8 lines read/);
    expect(out).toMatch(/valid events\s+2\s/);
    expect(out).toMatch(/duplicates\s+1\s/);
    expect(out).toMatch(/invalid lines\s+5\s/);
    expect(out).toMatch(/blank lines\s+1\s/);
    expect(out).toContain('line 2: ');
    expect(out).toContain('$.source');
    expect(out).toMatch(/line 5: \$\.detail is required/);
    expect(out).toMatch(/line 6: The entry is not valid JSON/);
    expect(out).toMatch(/line 7: The entry is not valid JSON/);
    expect(out).toMatch(/line 8: \$\.detail\.eventBody\.connectedDurationMs must be/);
    expect(out).toContain(
      'line 3 repeats line 1 (v2.detail.events.conversation.{id}.customer.start, conversation 5f1c2d3e-4a5b-4c6d-8e7f-9a8b7c6d5e4f)',
    );
    expect(out).toContain('Conversation Updated');
    expect(out).toMatch(/text before the JSON object/);
    expect(out).toMatch(/original tutorial/);
    expect(out).toContain('Sources (what an EventBridge rule must match):');
    expect(out).toMatch(/5 invalid line\(s\)\.\n$/);
  });

  it('prints the same summary as JSON with --json, capped with --max-listed', async () => {
    const run = await inspect([capturedFile(), '--json', '--max-listed', '2']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Record<string, unknown> & {
      invalidLines: { line: number; problems: unknown[]; excerpt: string }[];
    };
    expect(report).toMatchObject({ lines: 8, blankLines: 1, valid: 2, invalid: 5, duplicates: 1, conversations: 1 });
    expect(report.invalidLines.map((l) => l.line)).toEqual([2, 5]);
    expect(report.invalidLines[0]!.excerpt.startsWith('{"version":"0"')).toBe(true);
    expect(report.invalidByReason).toMatchObject({
      '$.detail: missing': 1,
      '$: expected a JSON object (one EventBridge event), found invalid JSON': 2,
    });
  });

  it('reads stdin with -, and exits 0 when every line is valid', async () => {
    const lines = [
      JSON.stringify(conversationEvent('customer.start')),
      JSON.stringify(conversationEvent('customer.end', { disconnectType: 'ENDPOINT' })),
    ];
    const run = await inspect(['-'], `${lines.join('\n')}\n`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Every line is a valid Genesys event.');
    expect(run.stdout).toMatch(/v2\.detail\.events\.conversation\.\{id\}\.customer\.end\s+1/);
  });

  it('exits 2 with a clear message when the file cannot be read', async () => {
    const run = await inspect([join(dir, 'missing.ndjson')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^Cannot read .*missing\.ndjson: ENOENT/);
  });
});
