/**
 * One of our benchmark runs in a fresh process, so that its peak RSS is its own:
 *
 *   node --import tsx bench/child.ts NAME [--trace FILE] [--runs N]
 *
 * Prints one line `BENCH_RESULT {json}`. For simulations wall_s = (setup_ms + run_ms)/1000 from
 * simulate(): validation, state allocation, finitialize and the step loop (model building —
 * SWC loading and discretization — happens before and is not timed, as on the NEURON side).
 */
import { writeFileSync } from 'node:fs';
import { simulate } from '../src/solvers/index.ts';
import { benchSwcLoad } from './swc-load.ts';
import { findCase } from './cases.ts';

function main(): void {
  const args = process.argv.slice(2);
  const name = args[0];
  const c = findCase(name);
  if (!c) throw new Error(`bench/child.ts: unknown benchmark "${name}"`);
  const opt = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  if (c.kind === 'loader') {
    const r = benchSwcLoad(Number(opt('--runs') ?? 5));
    console.log('BENCH_RESULT ' + JSON.stringify({ ...r, wall_s: r.median_s }));
    return;
  }
  const { request, nseg, labels } = c.build();
  const r = simulate(request);
  const traceFile = opt('--trace');
  if (traceFile) {
    writeFileSync(traceFile, JSON.stringify({ t_ms: Array.from(r.t_ms), labels, traces: r.traces.map((x) => Array.from(x)) }));
  }
  console.log(
    'BENCH_RESULT ' +
      JSON.stringify({
        wall_s: (r.setup_ms + r.run_ms) / 1000,
        init_s: r.setup_ms / 1000,
        run_s: r.run_ms / 1000,
        steps: r.steps,
        nseg,
        n_nodes: request.layout.nNodes,
        peak_rss_MiB: process.resourceUsage().maxRSS / 1024,
      }),
  );
}

main();
