/**
 * The GPU backend's float32 kernels (generated from the mechanism-file IR: hh, pas, the Hay set;
 * CaDynamics_E2 and IClamp hand-written) against the float64 CPU backend, without a GPU:
 * - `emu`: the strict float32 emulator (every operation rounded to float32, as a GPU computes);
 * - `gpujs-cpu`: the same kernel sources through gpu.js 2.24.1's CPU mode (skipped with a reason
 *   when the optional dependency is missing);
 * - `software`: gpu.js's webgpu mode (WGSL) on Dawn's software adapter, OpenGL ES on Mesa
 *   llvmpipe (skipped with a reason when there is no such adapter): the Hay set, WGSL path.
 * Each batch holds three variants (the protocol, another IClamp amplitude, scaled conductances);
 * each is compared with its own CPU run: equal spike counts, spike times within 0.01 ms (measured
 * ≤ 0.005 ms), v more than 2 ms away from every probe's spikes within 0.1 mV.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadProtocol, buildSimulation } from '../../src/protocol/index.ts';
import { compileModel, simulate, type SimulationRequest } from '../../src/solvers/index.ts';
import { emuExecutor, gpuExecutor, GpuProgram, type Executor, type GpuVariant } from '../../src/solvers/gpu/index.ts';
import { loadGpuJs } from '../../src/solvers/gpu/exec.ts';
import { applyVariant, compare, spikeTimes } from './compare.ts';

const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));

function request(file: string, tstop_ms?: number): SimulationRequest {
  const built = buildSimulation(loadProtocol(here(file)));
  return { ...built.request, ...(tstop_ms ? { tstop_ms } : {}) };
}

async function check(label: string, exec: Executor, req: SimulationRequest, variants: GpuVariant[], tol: { shift_ms: number; sub_mV: number }): Promise<void> {
  const model = compileModel(req);
  const res = await new GpuProgram(exec, model, variants).run();
  variants.forEach((v, b) => {
    const ref = simulate(applyVariant(req, v));
    // back-propagating spikes below the spike threshold in dendrites: away from any probe's spikes
    const spikes = ref.traces.flatMap((tr) => spikeTimes(ref.t_ms, tr));
    res.traces.forEach((per, p) => {
      const c = compare(res.t_ms, per[b], ref.traces[p], spikes);
      console.log(`${label} ${exec.name} variant ${b} probe ${p}: spikes ${c.spikes32}/${c.spikes64}, max spike shift ${c.maxSpikeShift_ms.toExponential(2)} ms, max |dV| away from spikes ${c.maxSubthreshold_mV.toExponential(2)} mV, anywhere ${c.maxAbs_mV.toFixed(3)} mV`);
      expect(c.spikes32).toBe(c.spikes64);
      if (c.spikes64 > 0) expect(c.maxSpikeShift_ms).toBeLessThan(tol.shift_ms);
      expect(c.maxSubthreshold_mV).toBeLessThan(tol.sub_mV);
    });
  });
  // the variants really differ
  expect(res.traces[0][1]).not.toEqual(res.traces[0][0]);
}

const HH_VARIANTS: GpuVariant[] = [{}, { amp_nA: [0.25] }, { scale: { hh: { gnabar: 0.8, gkbar: 1.2 } } }];
const HAY_VARIANTS: GpuVariant[] = [{}, { amp_nA: [0.5] }, { scale: { NaTa_t: { gNaTa_tbar: 0.8 }, SK_E2: { gSK_E2bar: 2 }, CaDynamics_E2: { decay: 0.5 } } }];
const TOL = { shift_ms: 0.01, sub_mV: 0.1 };

describe('GPU kernels in float32 against the float64 CPU backend', () => {
  it('hh ball-and-stick, strict float32 emulation, 3 variants, 100 ms', async () => {
    await check('hh', emuExecutor(), request('./hh_ball_and_stick.json'), HH_VARIANTS, TOL);
  });

  it('Hay channel set (CaDynamics_E2, SK_E2 on cai) ball-and-stick, strict float32 emulation, 3 variants, 100 ms', async () => {
    await check('hay', emuExecutor(), request('./hay_ball_and_stick.json'), HAY_VARIANTS, TOL);
  });

  describe('through gpu.js', () => {
    let reason: string | null = null;
    beforeAll(async () => {
      const m = await loadGpuJs();
      if (typeof m === 'string') reason = m;
    });

    it('gpu.js CPU mode (the kernels through gpu.js), hh and Hay', async (ctx) => {
      if (reason) {
        console.log(`skipped: ${reason}`);
        ctx.skip();
      }
      const exec = await gpuExecutor('cpu');
      await check('hh', exec, request('./hh_ball_and_stick.json', 60), HH_VARIANTS, TOL);
      await check('hay', exec, request('./hay_ball_and_stick.json', 60), HAY_VARIANTS, TOL);
    });

    it("gpu.js webgpu mode (WGSL) on Dawn's software adapter: Hay set with Ca dynamics, per-variant parameters, 12 ms", async (ctx) => {
      if (reason) {
        console.log(`skipped: ${reason}`);
        ctx.skip();
      }
      let exec: Executor;
      try {
        exec = await gpuExecutor('software');
      } catch (e) {
        console.log(`skipped: no software WebGPU adapter here (${(e as Error).message})`);
        ctx.skip();
        return;
      }
      console.log(`ran on: ${exec.detail}`);
      const req = request('./hay_ball_and_stick.json', 12);
      await check('hay', exec, { ...req, stimuli: req.stimuli!.map((s) => ({ ...s, del_ms: 2 })) }, [{}, { amp_nA: [1.2], scale: { NaTa_t: { gNaTa_tbar: 0.9 } } }], TOL);
    });
  });
});
