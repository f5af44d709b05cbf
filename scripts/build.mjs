// `npm run build`: compiles src/ to dist/ (ESM + .d.ts) and copies the files the code reads at run time.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
// The web page's files, next to the module that serves them (src/server/web/web-routes.ts).
cpSync('src/server/web/static', 'dist/server/web/static', { recursive: true });
chmodSync('dist/cli/main.js', 0o755);
