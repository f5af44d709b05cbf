// The folder holding sopstate's package.json (and schema/, dist/), found from any module inside the package: the
// sources under tsx, the compiled dist/, or the CLI bundle, whose modules sit at other depths.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`no package.json above ${fileURLToPath(moduleUrl)}: sopstate's files are incomplete`);
    dir = parent;
  }
  return dir;
}
