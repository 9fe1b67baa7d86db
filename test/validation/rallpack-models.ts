/**
 * The three Rallpacks (Bhalla, Bilitch & Bower 1992) as Dendrite requests, plus the reference traces
 * and Rallpack's accuracy measure. Definitions: ../shared/fixtures/rallpack/README.md and spec/.
 * Reused by the benchmarks.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildLayout, nodeAt, type CableLayout, type SectionSpec } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import type { MechanismUse, Method, SimulationRequest } from '../../src/solvers/model.ts';

export const RALLPACK_DIR = fileURLToPath(new URL('../../../shared/fixtures/rallpack/', import.meta.url));

/** Rallpack passive membrane: RA 100 Ω·cm, RM 40 kΩ·cm², CM 1 µF/cm², Em −65 mV; 0.1 nA for 250 ms. */
export const RALLPACK = {
  Ra_ohm_cm: 100,
  gLeak_S_per_cm2: 1 / 40000,
  cm_uF_per_cm2: 1,
  eLeak_mV: -65,
  amp_nA: 0.1,
  tstop_ms: 250,
} as const;

function section(name: string, parentSection: number, L: number, diam: number, nseg: number): SectionSpec {
  return {
    name,
    type: 3,
    parentSection,
    parentX: 1,
    nseg,
    cm_uF_per_cm2: RALLPACK.cm_uF_per_cm2,
    ...cylinderSegments(L, diam, nseg, RALLPACK.Ra_ohm_cm),
  };
}

/** Every membrane (segment-centre) node of a layout. */
export function membraneNodes(layout: CableLayout): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < layout.nNodes; i++) if (layout.hasMembrane[i]) out.push(i);
  return Int32Array.from(out);
}

export interface RallpackModel {
  layout: CableLayout;
  request: SimulationRequest;
  /** Probe order in `request.record`: [injection site, far site]. */
  recordNodes: [number, number];
}

export interface RallpackOptions {
  dt_ms?: number;
  method?: Method;
  tstop_ms?: number;
}

/**
 * Rallpack 1: 1 mm × 1 µm sealed passive cable, `nseg` compartments (1000 in the spec), 0.1 nA into
 * x = 0, recorded at x = 0 and x = 1 (NEURON's zero-area end nodes, the cable's physical ends).
 */
export function rallpack1(nseg = 1000, opt: RallpackOptions = {}): RallpackModel {
  const layout = buildLayout([section('cable', -1, 1000, 1, nseg)]);
  const sec = layout.sections[0];
  const rec: [number, number] = [nodeAt(sec, 0), nodeAt(sec, 1)];
  const mechanisms: MechanismUse[] = [
    { name: 'pas', nodes: membraneNodes(layout), params: { g: RALLPACK.gLeak_S_per_cm2, e: RALLPACK.eLeak_mV } },
  ];
  return {
    layout,
    recordNodes: rec,
    request: {
      layout,
      mechanisms,
      stimuli: [{ node: rec[0], del_ms: 0, dur_ms: 1e9, amp_nA: RALLPACK.amp_nA }],
      record: rec,
      dt_ms: opt.dt_ms ?? 0.025,
      tstop_ms: opt.tstop_ms ?? RALLPACK.tstop_ms,
      method: opt.method ?? 'backward_euler',
      v_init_mV: RALLPACK.eLeak_mV,
    },
  };
}

/**
 * Rallpack 2: binary tree of `depth` levels (10 in the spec: 1023 branches), root 32 µm × 16 µm,
 * each level L /= 2^(1/3), d /= 2^(2/3); every branch one section with `nsegPerBranch` segments,
 * children at the parent's x = 1. 0.1 nA into the root's x = 0; recorded there and at the x = 1
 * end of the last terminal branch.
 */
export function rallpack2(depth = 10, nsegPerBranch = 1, opt: RallpackOptions = {}): RallpackModel {
  const sections: SectionSpec[] = [];
  const levelStart: number[] = [];
  for (let level = 0; level < depth; level++) {
    levelStart.push(sections.length);
    const L = 32 / Math.pow(2, level / 3);
    const d = 16 / Math.pow(2, (2 * level) / 3);
    const count = 1 << level;
    for (let k = 0; k < count; k++) {
      const parent = level === 0 ? -1 : levelStart[level - 1] + (k >> 1);
      sections.push(section(`b${level}_${k}`, parent, L, d, nsegPerBranch));
    }
  }
  const layout = buildLayout(sections);
  const root = layout.sections[0];
  const leaf = layout.sections[layout.sections.length - 1];
  const rec: [number, number] = [nodeAt(root, 0), nodeAt(leaf, 1)];
  return {
    layout,
    recordNodes: rec,
    request: {
      layout,
      mechanisms: [
        { name: 'pas', nodes: membraneNodes(layout), params: { g: RALLPACK.gLeak_S_per_cm2, e: RALLPACK.eLeak_mV } },
      ],
      stimuli: [{ node: rec[0], del_ms: 0, dur_ms: 1e9, amp_nA: RALLPACK.amp_nA }],
      record: rec,
      dt_ms: opt.dt_ms ?? 0.025,
      tstop_ms: opt.tstop_ms ?? RALLPACK.tstop_ms,
      method: opt.method ?? 'backward_euler',
      v_init_mV: RALLPACK.eLeak_mV,
    },
  };
}

/**
 * Rallpack 3: the Rallpack 1 cable with NEURON's hh (gnabar 0.12, gkbar 0.036 S/cm², ena 50,
 * ek −77 mV) and the leak 1/RM at −65 mV (hh's own leak: gl = 2.5e-5 S/cm², el = −65 mV), 6.3 °C.
 */
export function rallpack3(nseg = 1000, opt: RallpackOptions & { usetable?: 0 | 1 } = {}): RallpackModel {
  const layout = buildLayout([section('axon', -1, 1000, 1, nseg)]);
  const sec = layout.sections[0];
  const rec: [number, number] = [nodeAt(sec, 0), nodeAt(sec, 1)];
  return {
    layout,
    recordNodes: rec,
    request: {
      layout,
      mechanisms: [
        {
          name: 'hh',
          nodes: membraneNodes(layout),
          params: { gnabar: 0.12, gkbar: 0.036, gl: RALLPACK.gLeak_S_per_cm2, el: RALLPACK.eLeak_mV },
          globals: { usetable: opt.usetable ?? 0 },
        },
      ],
      stimuli: [{ node: rec[0], del_ms: 0, dur_ms: 1e9, amp_nA: RALLPACK.amp_nA }],
      record: rec,
      dt_ms: opt.dt_ms ?? 0.025,
      tstop_ms: opt.tstop_ms ?? RALLPACK.tstop_ms,
      method: opt.method ?? 'crank_nicolson',
      v_init_mV: RALLPACK.eLeak_mV,
      celsius: 6.3,
      ions: { na: { e_mV: 50 }, k: { e_mV: -77 } },
    },
  };
}

/** A reference trace converted to ms and mV. */
export interface Trace {
  t_ms: Float64Array;
  v_mV: Float64Array;
}

export function readReference(file: string): Trace {
  const rows = readFileSync(RALLPACK_DIR + file, 'utf8').trim().split('\n');
  const t_ms = new Float64Array(rows.length);
  const v_mV = new Float64Array(rows.length);
  rows.forEach((row, k) => {
    const [t, v] = row.trim().split(/\s+/).map(Number);
    t_ms[k] = 1e3 * t;
    v_mV[k] = 1e3 * v;
  });
  return { t_ms, v_mV };
}

/** Linear interpolation of (t, y) at time x (t increasing); clamps outside. */
export function interpolate(t: Float64Array, y: Float64Array, x: number): number {
  if (x <= t[0]) return y[0];
  const n = t.length;
  if (x >= t[n - 1]) return y[n - 1];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (t[mid] <= x) lo = mid;
    else hi = mid;
  }
  return y[lo] + ((y[hi] - y[lo]) * (x - t[lo])) / (t[hi] - t[lo]);
}

/**
 * Rallpack's `rms.c` measure: rms difference on the reference's time grid (the simulation linearly
 * interpolated onto it) divided by the range (max − min) of both curves. Multiply by 100 for %.
 */
export function normalisedRms(ref: Trace, t_ms: Float64Array, v_mV: Float64Array): number {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < ref.t_ms.length; k++) {
    const x = interpolate(t_ms, v_mV, ref.t_ms[k]);
    const diff = x - ref.v_mV[k];
    sum += diff * diff;
    min = Math.min(min, x, ref.v_mV[k]);
    max = Math.max(max, x, ref.v_mV[k]);
  }
  return Math.sqrt(sum / ref.t_ms.length) / (max - min);
}

/** Times of upward crossings of `threshold`, linearly interpolated between samples. */
export function upwardCrossings(t_ms: Float64Array, v_mV: Float64Array, threshold = 0): number[] {
  const out: number[] = [];
  for (let k = 1; k < v_mV.length; k++) {
    const a = v_mV[k - 1];
    const b = v_mV[k];
    if (a < threshold && b >= threshold) {
      out.push(t_ms[k - 1] + ((threshold - a) / (b - a)) * (t_ms[k] - t_ms[k - 1]));
    }
  }
  return out;
}
