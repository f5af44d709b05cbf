// `npm run build`: compiles src/ to dist/ (ESM + .d.ts, the library), bundles the CLI over dist/cli/main.js so it
// starts without resolving ~200 modules, and copies the files the code reads at run time. When dist/ is already a
// build of the same inputs (scripts/build-inputs.mjs) it does nothing; `npm run build -- --force` builds anyway.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { buildInputsHash, isBuildCurrent, writeStamp } from './build-inputs.mjs';

const inputs = buildInputsHash('.');
if (!process.argv.includes('--force') && isBuildCurrent('.', inputs)) {
  // On stderr: `npm run -s bench -- --json` builds first, and its stdout is one JSON object.
  console.error('dist/ is up to date: built from these sources already (npm run build -- --force builds anyway)');
  process.exit(0);
}

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
// The web page's files, next to the module that serves them (src/server/web/web-routes.ts).
cpSync('src/server/web/static', 'dist/server/web/static', { recursive: true });
// The Stripe sandbox's tables, generated from Stripe's OpenAPI description (src/sandbox/stripe/tables.ts).
cpSync('src/sandbox/stripe/generated', 'dist/sandbox/stripe/generated', { recursive: true });

// Each command's dynamic import() becomes a chunk, so a command still loads only what it uses.
await build({
  entryPoints: ['dist/cli/main.js'],
  outdir: 'dist/cli',
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  // Native addon, and the cluster's drivers (optional requires esbuild cannot resolve, loaded only in cluster mode):
  // they stay normal dependencies.
  external: ['better-sqlite3', 'pg', '@dbos-inc/dbos-sdk'],
  // jsonc-parser's default (UMD) build requires its parts by computed paths a bundle cannot follow; its ESM build can.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  // Bundled CommonJS packages call require(); ESM has none.
  banner: {
    js: "import { createRequire as __sopstateCreateRequire } from 'node:module';\nconst require = __sopstateCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
chmodSync('dist/cli/main.js', 0o755);
writeStamp('.', inputs);
