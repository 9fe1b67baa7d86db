/** The `dendrite` CLI from the TypeScript sources, for the sweep tests (run with `node --import tsx`). */
import { main } from '../../cli/main.ts';

process.exitCode = await main(process.argv);
