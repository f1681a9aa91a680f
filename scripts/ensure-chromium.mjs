#!/usr/bin/env node
// Runs before `npm test`: the dashboard's browser test drives Debian's Chromium through
// playwright-core (never a downloaded browser). Installs it with apt-get when missing and we
// are root; otherwise says how to install it.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(chromium)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
let hasApt = false;
try {
  execSync('command -v apt-get', { stdio: 'ignore' });
  hasApt = true;
} catch {
  hasApt = false;
}
if (isRoot && hasApt) {
  console.error(`${chromium} not found: installing Debian's chromium (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execSync('apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium', { stdio: 'inherit', env });
  process.exit(existsSync(chromium) ? 0 : 1);
}
console.error(
  `The browser tests need Chromium at ${chromium}. Install it with "sudo apt-get install -y chromium" ` +
    '(or set CHROMIUM_PATH to a Chromium binary), then run npm test again.',
);
process.exit(1);
