/** The `dendrite` CLI as a real process for tests, straight from the TypeScript sources (run with `node --import tsx`). */
import { main } from '../../cli/main.ts';

process.exitCode = await main(process.argv);
