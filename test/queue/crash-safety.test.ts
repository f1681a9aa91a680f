import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { QueueStore } from '../../src/queue/index.js';
import { projectRoot } from '../support/paths.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('gep-queue-crash-');

/** Runs the sender child until it has acknowledged `atLeast` messages, then kills it with SIGKILL. */
function runAndKill(path: string, atLeast: number): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(projectRoot, 'test/queue/fixtures/crash-sender.ts'), path],
      {
        cwd: projectRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const acked = new Map<string, string>();
    let buffered = '';
    let stderr = '';
    let killed = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!; // an incomplete last line is not an acknowledgement
      for (const line of lines) {
        const [id, body] = line.split(' ');
        acked.set(id!, body!);
      }
      if (!killed && acked.size >= atLeast) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`sender exited without being killed: ${stderr}`));
    });
  });
}

it(
  'keeps every acknowledged send, exactly once, when the process is killed with SIGKILL',
  { timeout: 120_000 },
  async () => {
    const path = join(dir, 'crash.sqlite');
    const first = await runAndKill(path, 20_000);
    const second = await runAndKill(path, 5_000); // the second run appends to the same file after the crash
    expect(first.size).toBeGreaterThanOrEqual(20_000);

    const store = QueueStore.open(path);
    try {
      const queue = store.queue('crash');
      const stored = new Map<string, string>();
      let duplicates = 0;
      for (;;) {
        const batch = await queue.receive({ max: 10_000, visibilityTimeoutMs: 600_000 });
        if (batch.length === 0) break;
        for (const m of batch) {
          if (stored.has(m.messageId)) duplicates++;
          stored.set(m.messageId, m.body);
        }
      }
      expect(duplicates).toBe(0);
      const missing = [...first, ...second].filter(([id, body]) => stored.get(id) !== body);
      expect(missing).toEqual([]);
      // Two runs each numbered their bodies from m0: every stored message is one of those sends.
      expect(stored.size).toBeGreaterThanOrEqual(first.size + second.size);
    } finally {
      store.close();
    }
  },
);
