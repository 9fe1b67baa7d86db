// Float32 error of the GPU backend's kernels against the float64 CPU backend on the bench cells,
// over a long run (default 1 s): the strict float32 emulator (`--mode emu`, every operation rounded
// to float32, the arithmetic a GPU does) or any other mode of bench/gpu/bench.mjs. Plain Node on dist/.
//
//   node bench/gpu/float32.mjs [--cell hay700|hh2048] [--mode emu] [--tstop 1000]
//
// Prints, per variant: soma spike counts (float32 / float64), the largest spike-time shift and
// the shift of the last spike, max |ΔV| more than 2 ms away from any spike, and max |ΔV| anywhere.
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const cellName = opt('cell', 'hay700');
const mode = opt('mode', 'emu');
const tstop = Number(opt('tstop', '1000'));
const FILES = { hay700: 'bench/gpu/protocols/hay_ca1_700.json', hh2048: 'bench/protocols/c91662_hh_2048.json' };
const dist = (p) => new URL(`../../dist/src/${p}`, import.meta.url).href;
const { loadProtocol, buildSimulation } = await import(dist('protocol/index.js'));
const { compileModel, simulate } = await import(dist('solvers/index.js'));
const gpu = await import(dist('solvers/gpu/index.js'));

const built = buildSimulation(loadProtocol(`${ROOT}${FILES[cellName]}`));
const req = { ...built.request, record: built.request.record.slice(0, 1), tstop_ms: tstop };
const exec = await gpu.gpuExecutor(mode);
console.log(`${cellName}, ${tstop} ms, ${exec.detail}`);
const t0 = performance.now();
const res = await new gpu.GpuProgram(exec, compileModel(req), [{}]).run();
const t1 = performance.now();
const ref = simulate(req);
const t2 = performance.now();
const crossings = (t, v) => {
  const out = [];
  for (let i = 1; i < v.length; i++) if (v[i - 1] < -20 && v[i] >= -20) out.push(t[i - 1] + ((-20 - v[i - 1]) / (v[i] - v[i - 1])) * (t[i] - t[i - 1]));
  return out;
};
const v32 = res.traces[0][0];
const v64 = ref.traces[0];
const s32 = crossings(res.t_ms, v32);
const s64 = crossings(ref.t_ms, v64);
let shift = 0;
for (let k = 0; k < Math.min(s32.length, s64.length); k++) shift = Math.max(shift, Math.abs(s32[k] - s64[k]));
const last = s32.length && s64.length ? s32[Math.min(s32.length, s64.length) - 1] - s64[Math.min(s32.length, s64.length) - 1] : NaN;
let sub = 0;
let all = 0;
for (let i = 0; i < v64.length; i++) {
  const d = Math.abs(v32[i] - v64[i]);
  all = Math.max(all, d);
  if (!s64.some((x) => Math.abs(ref.t_ms[i] - x) < 2)) sub = Math.max(sub, d);
}
const out = { cell: cellName, mode, tstop_ms: tstop, spikes_f32: s32.length, spikes_f64: s64.length, max_spike_shift_ms: shift, last_spike_shift_ms: last, max_abs_dv_away_from_spikes_mV: sub, max_abs_dv_mV: all, gpu_s: (t1 - t0) / 1000, cpu_s: (t2 - t1) / 1000 };
console.log(`FLOAT32 ${JSON.stringify(out)}`);
exec.destroy();
