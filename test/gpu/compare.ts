/**
 * Helpers of the GPU conformance tests: a protocol's request with a variant applied (for the float64
 * CPU reference of that variant), spike times, and the comparison of a float32 trace with float64.
 */
import type { GpuVariant } from '../../src/solvers/gpu/index.ts';
import type { MechanismUse, SimulationRequest } from '../../src/solvers/index.ts';
import { builtinCatalogue } from '../../src/channels/catalogue.ts';

/** The request as the variant changes it (what the GPU runs as variant b), for the CPU backend. */
export function applyVariant(req: SimulationRequest, v: GpuVariant): SimulationRequest {
  const cat = req.catalogue ?? builtinCatalogue();
  const mechanisms = (req.mechanisms ?? []).map((u): MechanismUse => {
    const set = v.params?.[u.name];
    const scale = v.scale?.[u.name];
    if (!set && !scale) return u;
    const desc = cat.get(u.name)!.description;
    const params: Record<string, number | ArrayLike<number>> = { ...(u.params ?? {}) };
    for (const p of new Set([...Object.keys(set ?? {}), ...Object.keys(scale ?? {})])) {
      const f = scale?.[p] ?? 1;
      const base = set?.[p] ?? params[p] ?? desc.params.find((q) => q.name === p)!.default;
      params[p] = typeof base === 'number' ? base * f : Array.from(base, (x) => x * f);
    }
    return { ...u, params };
  });
  const stimuli = (req.stimuli ?? []).map((s, k) => (v.amp_nA ? { ...s, amp_nA: v.amp_nA[k] } : s));
  return { ...req, mechanisms, stimuli };
}

/** Upward crossings of `threshold` (linear interpolation). */
export function spikeTimes(t: ArrayLike<number>, v: ArrayLike<number>, threshold = -20): number[] {
  const out: number[] = [];
  for (let i = 1; i < v.length; i++) {
    if (v[i - 1] < threshold && v[i] >= threshold) out.push(t[i - 1] + ((threshold - v[i - 1]) / (v[i] - v[i - 1])) * (t[i] - t[i - 1]));
  }
  return out;
}

export interface Comparison {
  spikes32: number;
  spikes64: number;
  /** Largest |t32 − t64| over matched spikes (ms); NaN without spikes. */
  maxSpikeShift_ms: number;
  /** Largest |ΔV| outside ±2 ms of every reference spike of any probe (`exclude`, mV). */
  maxSubthreshold_mV: number;
  /** Largest |ΔV| anywhere (on upstrokes a time shift × dV/dt). */
  maxAbs_mV: number;
}

export function compare(t: ArrayLike<number>, v32: ArrayLike<number>, v64: ArrayLike<number>, exclude: readonly number[] = []): Comparison {
  const s32 = spikeTimes(t, v32);
  const s64 = spikeTimes(t, v64);
  let shift = s64.length === 0 ? NaN : 0;
  for (let k = 0; k < Math.min(s32.length, s64.length); k++) shift = Math.max(shift, Math.abs(s32[k] - s64[k]));
  let sub = 0;
  let all = 0;
  for (let i = 0; i < t.length; i++) {
    const d = Math.abs(v32[i] - v64[i]);
    all = Math.max(all, d);
    if (!s64.some((x) => Math.abs(t[i] - x) < 2) && !exclude.some((x) => Math.abs(t[i] - x) < 2)) sub = Math.max(sub, d);
  }
  return { spikes32: s32.length, spikes64: s64.length, maxSpikeShift_ms: shift, maxSubthreshold_mV: sub, maxAbs_mV: all };
}
