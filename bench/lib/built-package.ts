// The engine the seed sections measure: the built package (dist/), what the `sopstate` command and an app importing
// the library run. Not src/ through tsx: its transform (esbuild's keepNames) wraps every function and class a run
// creates in a naming helper, 5–10 % of a run's CPU with the calls answered from memory. `npm run bench` builds
// dist/ first. SOPSTATE_BENCH_DIST names another build's dist/ (a before/after comparison in one harness), in a
// checkout whose node_modules it can resolve its packages from (e.g. a git worktree with node_modules linked).
// Types come from src/, which dist/ is compiled from.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Load from '../../src/osop/load.ts';
import type * as Runner from '../../src/machine/runner.ts';
import type * as ServiceEndpoints from '../../src/services/service-endpoints.ts';
import { REPO_ROOT } from './repo.ts';

const BUILT_DIST = resolve(process.env.SOPSTATE_BENCH_DIST ?? join(REPO_ROOT, 'dist'));

/** The parts of a build the seed sections run. */
export interface BuiltPackage {
  loadWorkflowFile: typeof Load.loadWorkflowFile;
  startRun: typeof Runner.startRun;
  createServiceExecutors: typeof ServiceEndpoints.createServiceExecutors;
  serviceSecrets: typeof ServiceEndpoints.serviceSecrets;
}

/** The `type` of the package.json nearest above `dir`, as Node reads it to decide how to load a .js file there. */
function moduleTypeAt(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    const manifest = join(at, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type;
    if (dirname(at) === at) return undefined;
  }
}

/** The build in the folder `dist` (another checkout's, for a comparison of builds in one process). */
export async function loadBuiltPackage(dist: string): Promise<BuiltPackage> {
  // Without it Node takes dist/'s files for CommonJS, and under tsx they go through its transform (a naming helper
  // around every function): such a build reads slower than it is.
  if (moduleTypeAt(dist) !== 'module')
    throw new Error(
      `${dist} has no package.json with "type": "module" above it: add one, or its files load as CommonJS`,
    );
  const built = async <T>(module: string): Promise<T> => {
    const file = join(dist, module);
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (\`npm run bench\` does)`);
    return (await import(pathToFileURL(file).href)) as T;
  };
  const { loadWorkflowFile } = await built<typeof Load>('osop/load.js');
  const { startRun } = await built<typeof Runner>('machine/runner.js');
  const { createServiceExecutors, serviceSecrets } = await built<typeof ServiceEndpoints>(
    'services/service-endpoints.js',
  );
  return { loadWorkflowFile, startRun, createServiceExecutors, serviceSecrets };
}

/** The build the bench measures: this checkout's dist/, or SOPSTATE_BENCH_DIST's. */
export const builtPackage = await loadBuiltPackage(BUILT_DIST);
export const { loadWorkflowFile, startRun, createServiceExecutors, serviceSecrets } = builtPackage;
