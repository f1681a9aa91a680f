#!/usr/bin/env bash
# Runs the README's test command as a new user would: a clone of the committed HEAD into an empty
# temporary folder, with nothing beside it (no shared/ conformance data, no GEP_SHARED_DIR), then
# `npm ci && npm test`. Uncommitted changes are not part of a clone: commit first.
# Usage: npm run check:fresh-clone [-- --keep]   (--keep leaves the clone for a look afterwards)
set -euo pipefail
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
work=$(mktemp -d)
clone="$work/genesys-event-pipeline"
if [ "${1:-}" != "--keep" ]; then trap 'rm -rf "$work"' EXIT; fi
for dir in "$work" "$(dirname "$work")" /; do
  if [ -d "$dir/shared/conformance" ]; then
    echo "check-fresh-clone: $dir/shared/conformance exists; a fresh clone would see it. Set TMPDIR elsewhere." >&2
    exit 2
  fi
done
git clone --quiet "$repo" "$clone"
cd "$clone"
echo "fresh clone of $(git rev-parse --short HEAD) in $clone"
env -u GEP_SHARED_DIR npm ci --no-audit --no-fund
env -u GEP_SHARED_DIR npm test
