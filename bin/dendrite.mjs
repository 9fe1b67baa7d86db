#!/usr/bin/env node
// Entry point of the `dendrite` command: runs the compiled CLI (dist/, made by `npm run build`,
// which `npm ci` and `npm install` run through `prepare`) with plain node, no TypeScript loader.
import { fileURLToPath } from 'node:url';

// A closed pipe (`dendrite sweep --list-features | head`) ends the output quietly, as Unix tools do.
process.stdout.on('error', (e) => {
  if (e?.code === 'EPIPE') process.exit(0);
  throw e;
});

const entry = new URL('../dist/cli/main.js', import.meta.url);
let cli;
try {
  cli = await import(entry.href);
} catch (e) {
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(fileURLToPath(entry))) {
    const root = fileURLToPath(new URL('..', import.meta.url));
    process.stderr.write(`dendrite: error: the compiled CLI (dist/cli/main.js) is missing: run npm run build in ${root}\n`);
    process.exit(1);
  }
  throw e;
}
process.exitCode = await cli.main(process.argv);
