// The GPU benchmark (issue 10 item 5): B variants of a ~700-compartment cell with the Hay channel
// set (bench/gpu/protocols/hay_ca1_700.json) and of the 2048-compartment hh cell
// (bench/protocols/c91662_hh_2048.json) on the GPU backend, against the CPU backend on one core,
// from the same script. Plain Node 20, no TypeScript loader: it runs the compiled dist/.
//
//   node bench/gpu/bench.mjs [--mode gpu|cpu|emu|software] [--batches 256,1024,4096]
//                            [--cells hay700,hh2048] [--tstop 20] [--cpu-tstop 20] [--budget 480]
//                            [--record-every 1]   (steps between recorded samples: each one is a GPU sync)
//
// Prints the adapter string first (what really runs), then one line per cell and batch size:
// simulated ms per wall second for the whole batch (B × tstop / wall) against the CPU backend's
// one-core rate for single runs, and float32 vs float64 (variant 0) spike counts over the run.
// `--mode cpu|emu|software` are CPU test modes (docs/gpu.md): a dry run, never GPU numbers.
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const mode = opt('mode', process.env.DENDRITE_GPU_MODE || 'gpu');
const batches = opt('batches', '256,1024,4096').split(',').map(Number);
const cells = opt('cells', 'hay700,hh2048').split(',');
const tstop = Number(opt('tstop', '20'));
const cpuTstop = Number(opt('cpu-tstop', '20'));
const budget_s = Number(opt('budget', '480'));
const recordEvery = Number(opt('record-every', '1'));
const t0 = performance.now();
const elapsed = () => (performance.now() - t0) / 1000;

const dist = (p) => new URL(`../../dist/src/${p}`, import.meta.url).href;
const { loadProtocol, buildSimulation } = await import(dist('protocol/index.js'));
const { compileModel, simulate } = await import(dist('solvers/index.js'));
const gpu = await import(dist('solvers/gpu/index.js'));

let exec;
try {
  exec = await gpu.gpuExecutor(mode);
} catch (e) {
  console.log(`ADAPTER: none (${e.message})`);
  process.exit(1);
}
console.log(`ADAPTER: ${exec.detail}`);
console.log(`node ${process.version}, mode ${mode}, batches ${batches.join(',')}, tstop ${tstop} ms (GPU), ${cpuTstop} ms (CPU), dt 0.025 ms, soma recorded every ${recordEvery} step(s)`);

const CELLS = {
  hay700: { file: 'bench/gpu/protocols/hay_ca1_700.json', scale: (b, B) => ({ NaTa_t: { gNaTa_tbar: 0.8 + (0.4 * b) / Math.max(1, B - 1) } }) },
  hh2048: { file: 'bench/protocols/c91662_hh_2048.json', scale: (b, B) => ({ hh: { gnabar: 0.8 + (0.4 * b) / Math.max(1, B - 1) } }) },
};

function spikes(t, v) {
  let n = 0;
  for (let i = 1; i < v.length; i++) if (v[i - 1] < -20 && v[i] >= -20) n++;
  return n;
}

const rows = [];
let runsLeft = cells.length * batches.length;
for (const name of cells) {
  const cell = CELLS[name];
  if (!cell) throw new Error(`unknown cell ${name} (hay700, hh2048)`);
  const built = buildSimulation(loadProtocol(`${ROOT}${cell.file}`));
  const soma = built.request.record.slice(0, 1);
  const base = { ...built.request, record: soma };
  const nseg = built.layout.sections.reduce((a, s) => a + s.nseg, 0);
  // CPU backend, one core, one variant at a time.
  const cpuReq = { ...base, tstop_ms: cpuTstop };
  const c0 = performance.now();
  const ref = simulate(cpuReq);
  const cpuWall = (performance.now() - c0) / 1000;
  const cpuRate = cpuTstop / cpuWall;
  console.log(`${name}: ${nseg} compartments (${built.layout.nNodes} nodes); CPU backend, one core: ${cpuRate.toFixed(1)} simulated ms per wall s (${cpuTstop} ms in ${cpuWall.toFixed(2)} s, soma spikes ${spikes(ref.t_ms, ref.traces[0])})`);
  const model = compileModel({ ...base, tstop_ms: tstop });
  const refT = simulate({ ...base, tstop_ms: tstop });
  for (const B of batches) {
    runsLeft--;
    if (elapsed() > budget_s) {
      console.log(`${name} B=${B}: skipped (time budget ${budget_s} s spent)`);
      continue;
    }
    const variants = Array.from({ length: B }, (_, b) => (b === 0 ? {} : { amp_nA: [0.3 + (1.2 * b) / B], scale: cell.scale(b, B) }));
    const s0 = performance.now();
    let res;
    try {
      const prog = new gpu.GpuProgram(exec, model, variants);
      // A short run first (kernel compilation, first uploads), to size the timed run to the budget.
      const probe = await prog.run({ maxSteps: 20, recordEvery });
      const perStep_s = probe.run_ms / 1000 / 20;
      const share_s = Math.max(5, (budget_s - elapsed()) / (runsLeft + 1));
      const steps = Math.max(20, Math.min(probe.steps === 20 ? Math.round(tstop / 0.025) : probe.steps, Math.floor(share_s / perStep_s)));
      res = await prog.run({ maxSteps: steps, recordEvery });
    } catch (e) {
      console.log(`${name} B=${B}: failed: ${e.message.split('\n')[0]}`);
      continue;
    }
    const total = (performance.now() - s0) / 1000;
    const wall = res.run_ms / 1000;
    const simulated = res.t_ms[res.t_ms.length - 1];
    const rate = (B * simulated) / wall;
    const s32 = spikes(res.t_ms, res.traces[0][0]);
    const s64 = spikes(refT.t_ms.subarray(0, res.t_ms.length), refT.traces[0].subarray(0, res.t_ms.length));
    const row = { cell: name, compartments: nseg, B, tstop_ms: simulated, run_s: wall, setup_s: res.setup_ms / 1000, total_s: total, variant_ms_per_s: rate, cpu_ms_per_s: cpuRate, speedup: rate / cpuRate, launches_per_step: res.launchesPerStep, rounds: res.rounds, spikes_f32: s32, spikes_f64: s64 };
    rows.push(row);
    console.log(`${name} B=${B}: ${rate.toFixed(0)} simulated ms per wall s for the batch (${B} × ${simulated.toFixed(2)} ms in ${wall.toFixed(2)} s, setup ${row.setup_s.toFixed(1)} s) = ${row.speedup.toFixed(1)}× the CPU backend on one core; ${res.launchesPerStep.toFixed(0)} launches/step, ${(wall * 1e3 / res.steps).toFixed(2)} ms/step; variant 0 soma spikes float32 ${s32} vs float64 ${s64}`);
  }
}
console.log(`RESULTS ${JSON.stringify({ adapter: exec.detail, mode, node: process.version, rows })}`);
console.log(`done in ${elapsed().toFixed(0)} s`);
exec.destroy();
process.exit(0);
