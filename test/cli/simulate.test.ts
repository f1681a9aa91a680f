/**
 * `genesys-pipeline simulate` as a user runs it: a child process of the real CLI, writing real
 * files, piping into `inspect`, and sending to a real HTTP PutEvents endpoint.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { startPutEventsServer } from '../simulate/put-events-server.js';
import type { PutEventsServer } from '../simulate/put-events-server.js';

const dir = tempDir('gep-cli-simulate-');
let server: PutEventsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('genesys-pipeline simulate', () => {
  it('writes valid events that inspect accepts, with a summary on stderr', async () => {
    const file = join(dir, 'clean.ndjson');
    const run = await runCli(['simulate', '--conversations', '300', '--seed', '1', '--out', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^Wrote [\d,]+ events of 300 conversations to .*clean\.ndjson in [\d.]+ s \([\d,]+ events\/s\)\.\n$/,
    );
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(1500);
    const inspect = await runCli(['inspect', file]);
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).toMatch(/invalid lines\s+0\s/);
    expect(inspect.stdout).toContain('in 300 conversations');
    expect(inspect.stdout).toContain('Every line is a valid Genesys event.');
  });

  it('is deterministic: the same seed gives the same bytes, on stdout as in a file', async () => {
    const file = join(dir, 'a.ndjson');
    const [toFile, toStdout, other] = await Promise.all([
      runCli([
        'simulate',
        '--conversations',
        '100',
        '--seed',
        '7',
        '--duplicates',
        '0.05',
        '--out-of-order',
        '0.05',
        '--out',
        file,
      ]),
      runCli(['simulate', '--conversations', '100', '--seed', '7', '--duplicates', '0.05', '--out-of-order', '0.05']),
      runCli([
        'simulate',
        '--conversations',
        '100',
        '--seed',
        '8',
        '--duplicates',
        '0.05',
        '--out-of-order',
        '0.05',
        '--out',
        '-',
      ]),
    ]);
    expect(toFile.code).toBe(0);
    expect(toStdout.code).toBe(0);
    expect(toStdout.stdout).toBe(readFileSync(file, 'utf8'));
    expect(other.stdout).not.toBe(toStdout.stdout);
    expect(toStdout.stderr).toMatch(/faults: \d+ duplicate, \d+ out-of-order/);
  });

  it('with --malformed 0.05 gives about 5 % invalid lines, each with a reason, and inspect exits 1', async () => {
    const file = join(dir, 'malformed.ndjson');
    const run = await runCli([
      'simulate',
      '--conversations',
      '400',
      '--seed',
      '3',
      '--malformed',
      '0.05',
      // Broken lines derive from conversation events: their share is of those.
      '--topics',
      'conversation',
      '--out',
      file,
    ]);
    expect(run.code).toBe(0);
    const inspect = await runCli(['inspect', file, '--json', '--max-listed', '1000']);
    expect(inspect.code).toBe(1);
    const report = JSON.parse(inspect.stdout) as {
      lines: number;
      invalid: number;
      invalidLines: { line: number; problems: { message: string }[] }[];
    };
    const fraction = report.invalid / report.lines;
    expect(fraction).toBeGreaterThan(0.035);
    expect(fraction).toBeLessThan(0.065);
    expect(report.invalidLines).toHaveLength(report.invalid);
    for (const line of report.invalidLines) expect(line.problems[0]!.message.length).toBeGreaterThan(10);
    const text = await runCli(['inspect', file]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/Invalid lines \(first 50 of [\d,]+\):/);
    expect(text.stdout).toMatch(/… and [\d,]+ more invalid lines/);
    expect(text.stdout).toMatch(/line \d+: /);
  });

  it('writes the 10,000-conversation file that inspect reports free of invalid lines', async () => {
    const file = join(dir, 'x.ndjson');
    const run = await runCli(['simulate', '--conversations', '10000', '--seed', '1', '--out', file]);
    expect(run.code).toBe(0);
    const inspect = await runCli(['inspect', file, '--json']);
    expect(inspect.code).toBe(0);
    const report = JSON.parse(inspect.stdout) as {
      invalid: number;
      conversations: number;
      valid: number;
      lines: number;
    };
    expect(report).toMatchObject({ invalid: 0, conversations: 10000 });
    expect(report.valid).toBe(report.lines);
  }, 120_000);

  it('pipes into inspect - and stops quietly when the reader goes away', async () => {
    const produced = await runCli(['simulate', '--conversations', '50', '--seed', '2']);
    const inspect = await runCli(['inspect', '-'], { stdin: produced.stdout });
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).toMatch(/^stdin: [\d,]+ lines read/);
    const early = await runCli(['simulate', '--conversations', '200000', '--out', '-'], { stopAfterBytes: 10_000 });
    expect(early.code).toBe(0);
    expect(early.stderr).not.toMatch(/Error|at /);
  });

  it('rejects bad options with a clear message', async () => {
    const missing = await runCli(['simulate']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("required option '--conversations <n>' not specified");
    const fraction = await runCli(['simulate', '--conversations', '5', '--duplicates', '1.5']);
    expect(fraction.code).not.toBe(0);
    expect(fraction.stderr).toContain('expected a number from 0 to 1, got "1.5"');
    const both = await runCli([
      'simulate',
      '--conversations',
      '5',
      '--out',
      join(dir, 'y.ndjson'),
      '--to',
      'http://127.0.0.1:1',
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('Give either --out');
    const suffix = await runCli(['simulate', '--conversations', '5', '--suffix', 'no spaces allowed']);
    expect(suffix.code).toBe(2);
    expect(suffix.stderr).toContain('suffix must be 1–64 letters');
    const mix = await runCli(['simulate', '--conversations', '5', '--media-mix', 'voice=1,fax=2']);
    expect(mix.code).not.toBe(0);
    expect(mix.stderr).toContain('unknown media "fax"');
    const unwritable = await runCli([
      'simulate',
      '--conversations',
      '5',
      '--out',
      join(dir, 'no-such-dir', 'x.ndjson'),
    ]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(/Cannot write .*no-such-dir/);
  });

  it('writes the families --topics names, each valid; inspect counts them by kind', async () => {
    const file = join(dir, 'families.ndjson');
    const run = await runCli([
      'simulate',
      '--conversations',
      '60',
      '--topics',
      'user-routing-status,v2.audits.entitytype.{id}.entityid.{id}',
      '--out',
      file,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const inspect = await runCli(['inspect', file, '--json']);
    expect(inspect.code).toBe(0);
    const report = JSON.parse(inspect.stdout) as { byKind: Record<string, number>; invalid: number };
    expect(report.invalid).toBe(0);
    expect(
      Object.entries(report.byKind)
        .filter(([, n]) => n > 0)
        .map(([kind]) => kind)
        .sort(),
    ).toEqual(['audit', 'user-routing-status']);
    const text = await runCli(['inspect', file]);
    expect(text.stdout).toMatch(/user-routing-status\s+[\d,]+/);
    const bad = await runCli(['simulate', '--conversations', '5', '--topics', 'v2.quality.evaluations']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('the simulator writes the typed families only');
  });

  it('honours --media-mix, --start-time, --org-id and --suffix', async () => {
    const run = await runCli([
      'simulate',
      '--conversations',
      '20',
      '--media-mix',
      'chat=1',
      '--start-time',
      '2026-03-01T09:00:00Z',
      '--org-id',
      'my-org',
      '--suffix',
      'prod',
      '--topics',
      'conversation',
    ]);
    expect(run.code).toBe(0);
    const events = run.stdout
      .trimEnd()
      .split('\n')
      .map(
        (l) => JSON.parse(l) as { source: string; detail: { eventBody: { mediaType?: string; eventTime: number } } },
      );
    expect(new Set(events.map((e) => e.source))).toEqual(new Set(['aws.partner/genesys.com/cloud/my-org/prod']));
    expect(new Set(events.map((e) => e.detail.eventBody.mediaType).filter(Boolean))).toEqual(new Set(['CHAT']));
    expect(Math.min(...events.map((e) => e.detail.eventBody.eventTime))).toBe(Date.parse('2026-03-01T09:00:00Z'));
  });

  it('sends to a PutEvents endpoint with --to, and says that only injected bad lines were rejected', async () => {
    server = await startPutEventsServer();
    const run = await runCli([
      'simulate',
      '--conversations',
      '60',
      '--seed',
      '5',
      '--malformed',
      '0.1',
      '--to',
      server.url,
      '--org-id',
      'org-1',
      '--suffix',
      'sim',
    ]);
    expect(run.stderr).toMatch(
      /Sent [\d,]+ events of 60 conversations .* to http:\/\/127\.0\.0\.1:\d+ \(bus aws\.partner\/genesys\.com\/cloud\/org-1\/sim\)/,
    );
    expect(run.stderr).toMatch(/[\d,]+ accepted, [\d,]+ rejected/);
    expect(run.stderr).toContain('Every rejected entry is an injected malformed or oversized line, as intended.');
    expect(run.code).toBe(0);
    expect(server.accepted.length).toBeGreaterThan(300);
    expect(new Set(server.accepted.map((e) => e.EventBusName))).toEqual(
      new Set(['aws.partner/genesys.com/cloud/org-1/sim']),
    );
  });

  it('fails with a clear message when the --to endpoint is unreachable', async () => {
    server = await startPutEventsServer();
    const url = server.url;
    await server.close();
    server = undefined;
    const run = await runCli(['simulate', '--conversations', '2', '--to', url]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Cannot reach the PutEvents endpoint ${url}`);
  });
});
