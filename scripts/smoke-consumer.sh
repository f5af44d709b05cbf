#!/usr/bin/env bash
# Packs sopstate, installs the tarball into a fresh project outside the repository, and uses it there as a user would:
# (a) the seed in the sandbox from plain Node through the public API, (b) a strict TypeScript consumer with
# moduleResolution node16 and bundler, (c) `npx sopstate run`, (d) a vitest file using sopstate/vitest.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FILES="$ROOT/scripts/smoke-consumer"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sopstate-consumer-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
step() { printf '\n== smoke: %s\n' "$*"; }

step "npm pack"
TARBALL="$(cd "$ROOT" && npm pack --silent --pack-destination "$WORK" | tail -n 1)"
mkdir "$WORK/consumer"
cd "$WORK/consumer"
npm init -y >/dev/null
npm pkg set type=module
TS_VERSION="$(node -p "require('$ROOT/node_modules/typescript/package.json').version")"
VITEST_VERSION="$(node -p "require('$ROOT/node_modules/vitest/package.json').version")"
step "install $TARBALL (+ typescript@$TS_VERSION, @types/node@20, vitest@$VITEST_VERSION)"
npm install --prefer-offline --no-audit --no-fund --loglevel=error \
  "$WORK/$TARBALL" "typescript@$TS_VERSION" "@types/node@^20" "vitest@$VITEST_VERSION"
cp "$ROOT/examples/run-as-library.mjs" run.mjs
cp "$FILES/consumer.ts" "$FILES/tsconfig.node16.json" "$FILES/tsconfig.bundler.json" "$FILES/workflow-paths.test.ts" .
mkdir examples
cp node_modules/sopstate/examples/stripe-payment-seed.osop.yaml examples/

step "(a) node run.mjs: the seed in the sandbox through the public API"
status="$(node run.mjs 2>run.log | tail -n 1)"
[ "$status" = COMPLETED ] || { cat run.log; echo "smoke: run.mjs ended '$status', expected COMPLETED" >&2; exit 1; }
echo "$status"

step "(b) tsc --noEmit: strict, no skipLibCheck, moduleResolution node16 and bundler"
npx tsc -p tsconfig.node16.json
npx tsc -p tsconfig.bundler.json
echo "both type-check"

step "(c) npx sopstate run examples/stripe-payment-seed.osop.yaml"
npx sopstate run examples/stripe-payment-seed.osop.yaml --log-dir "$WORK/logs"

step "(c2) npx sopstate validate on JSON documents (the bundled JSON parser), with a located error"
echo '{"osop_version": "1.0", "id": "approve", "name": "Approve", "nodes": [{"id": "review", "type": "human", "name": "Review"}], "edges": []}' >approve.osop.json
npx sopstate validate approve.osop.json
echo '{"osop_version": "1.0", "id": "approve", "name": "Approve",
  "nodes": [{"id": "review", "type": "human", "name": "Review"}], "edges": [{"from": "review", "to": "nowhere"}]}' >broken.osop.json
if npx sopstate validate broken.osop.json >broken.log 2>&1; then echo "smoke: broken.osop.json validated" >&2; exit 1; fi
grep -q '^broken.osop.json:2:' broken.log || { cat broken.log; echo "smoke: no located error for broken.osop.json" >&2; exit 1; }
echo "both answered as expected"

step "(d) vitest run with sopstate/vitest"
npx vitest run --root . --dir . workflow-paths.test.ts

step "all consumer checks passed"
