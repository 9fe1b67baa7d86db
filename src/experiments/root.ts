/**
 * The package root (the folder of Dendrite's package.json), found from this module's own location,
 * so fixtures/ is found both from the sources (src/experiments/) and from an installed package
 * (dist/src/experiments/).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'dendrite') return dir;
      } catch {
        /* not ours: keep walking */
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`dendrite: cannot find the package root above ${from}`);
    dir = up;
  }
}
