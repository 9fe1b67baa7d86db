/** Dendrite's version, from the package.json above this file (cli/ in the sources, dist/cli/ when compiled). */
import { existsSync, readFileSync } from 'node:fs';

function readVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    const url = new URL(rel, import.meta.url);
    if (!existsSync(url)) continue;
    const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'dendrite' && typeof pkg.version === 'string') return pkg.version;
  }
  return 'unknown';
}

export const VERSION: string = readVersion();
