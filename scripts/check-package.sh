#!/usr/bin/env bash
# Uses the package as somebody else's CDK app would: builds and packs it (`npm pack`), installs the
# tarball into an empty app in a temporary folder, imports the construct from
# `genesys-event-pipeline/cdk` and synthesizes a stack — the Lambda functions bundled from the
# installed package's compiled modules (dist/functions), with the app's own lock file. Offline: the
# app's other dependencies are links to this clone's node_modules.
# Usage: npm run check:package [-- --keep]   (--keep leaves the app for a look afterwards)
set -euo pipefail
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
work=$(mktemp -d)
app="$work/my-cdk-app"
if [ "${1:-}" != "--keep" ]; then trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$app/node_modules/genesys-event-pipeline"
(cd "$repo" && npm pack --silent --pack-destination "$work" >/dev/null)
tar -xzf "$work"/genesys-event-pipeline-*.tgz -C "$app/node_modules/genesys-event-pipeline" --strip-components=1
for dep in "$repo"/node_modules/* "$repo"/node_modules/@*; do
  name=$(basename "$dep")
  [ "$name" = genesys-event-pipeline ] || [ -e "$app/node_modules/$name" ] || ln -s "$dep" "$app/node_modules/$name"
done
cd "$app"
echo '{ "name": "my-cdk-app", "private": true, "type": "module" }' >package.json
echo '{ "name": "my-cdk-app", "lockfileVersion": 3, "requires": true, "packages": { "": { "name": "my-cdk-app" } } }' >package-lock.json
cat >app.mjs <<'APP'
import { App, Stack } from 'aws-cdk-lib';
import { GenesysEventPipeline } from 'genesys-event-pipeline/cdk';

const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'MyContactCentre');
new GenesysEventPipeline(stack, 'Genesys', {
  orgId: '0c5c1f0e-2b1a-4c3d-9e8f-1a2b3c4d5e6f',
  eventSourceSuffix: 'prod',
  topics: ['v2.detail.events.conversation.{id}.customer.start', 'v2.detail.events.conversation.{id}.acd.end'],
  maxProcessorConcurrency: 100,
});
const template = app.synth().getStackByName('MyContactCentre').template;
const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
if (functions.length < 4) throw new Error(`expected the pipeline's functions, found ${functions.length}`);
console.log(`check-package: synthesized MyContactCentre with ${functions.length} Lambda functions`);
APP
node app.mjs
# Every function was bundled from the installed package, not from the clone.
for map in cdk.out/asset.*/index.mjs.map; do
  grep -q 'node_modules/genesys-event-pipeline/' "$map" || { echo "check-package: $map is not bundled from the installed package" >&2; exit 1; }
done
echo "check-package: ok (genesys-event-pipeline/cdk from the packed tarball)"
