// What dist/ is built from, as one fingerprint, so `npm run build` can skip a build of the same inputs. npm runs the
// `prepare` script (the build, ~11 s) again where nothing changed: on the first `npx sopstate` in a clone (npm exec
// installs the folder into its cache), on `npm pack`, and before every `npm run bench`.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The files and folders whose contents decide dist/, relative to the package root. The compiler's and the bundler's
 * versions are in the lockfile.
 */
const BUILD_INPUTS = [
  'src',
  'scripts/build.mjs',
  'scripts/build-inputs.mjs',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
  'package-lock.json',
];

/** Where a finished build records the fingerprint of its inputs. Written last: a failed build leaves none. */
const STAMP = 'dist/.build-inputs';

/** Outputs a finished build always leaves; one missing means dist/ changed after it was built. */
const OUTPUTS = ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js'];

/** Files under `path` (itself when it is a file), relative to `root`, with `/` separators, in a stable order. */
function filesOf(root, path) {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full)
    .sort()
    .flatMap((name) => filesOf(root, `${path}/${name}`));
}

/** sha256 over every input file's path and contents; an input that is absent counts as absent. */
export function buildInputsHash(root) {
  const hash = createHash('sha256');
  for (const input of BUILD_INPUTS) {
    const files = filesOf(root, input);
    if (files.length === 0) hash.update(`absent ${input}\0`);
    for (const file of files)
      hash
        .update(`${file}\0`)
        .update(readFileSync(join(root, file)))
        .update('\0');
  }
  return hash.digest('hex');
}

/** Whether dist/ under `root` is a finished build of inputs whose fingerprint is `hash`. */
export function isBuildCurrent(root, hash) {
  const stamp = join(root, STAMP);
  return (
    OUTPUTS.every((output) => existsSync(join(root, output))) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8').trim() === hash
  );
}

export function writeStamp(root, hash) {
  writeFileSync(join(root, STAMP), `${hash}\n`);
}
