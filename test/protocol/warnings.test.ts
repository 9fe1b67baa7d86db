/**
 * Honest runs: a run that leaves the physical range of membrane potentials says so (stderr and
 * run.json `warnings`) instead of exiting 0 with no word, and threshold crossings that are not
 * action potentials are reported, not counted.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../cli/main.ts';
import { parseProtocol, runProtocol } from '../../src/protocol/index.ts';
import { simulate } from '../../src/solvers/index.ts';
import { spikeTimes } from '../../src/protocol/analysis.ts';

const MORPH = fileURLToPath(new URL('../../fixtures/morphologies/ball_and_stick.swc', import.meta.url));

function passive(amp_nA: number, extra: Record<string, unknown> = {}) {
  return {
    morphology: MORPH,
    discretization: { nseg: 5 },
    biophysics: { cm_uF_per_cm2: 1, Ra_ohm_cm: 100, v_init_mV: -65, mechanisms: [{ name: 'pas', region: 'all', params: { g: 1e-4, e: -65 } }] },
    stimuli: [{ type: 'iclamp', at: 'soma(0.5)', delay_ms: 5, dur_ms: 20, amp_nA }],
    record: [{ label: 'soma', at: 'soma(0.5)' }, { label: 'tip', at: 'dend[0](0.9)' }],
    run: { tstop_ms: 40, dt_ms: 0.025 },
    ...extra,
  };
}

describe('v beyond ±200 mV', () => {
  it('a 1 nA step into a small passive soma (to +727 mV): warned once, with where and when first and the largest |v|', () => {
    const run = runProtocol(parseProtocol(passive(1), 'mem.json'));
    const w = run.warnings.filter((x) => x.code === 'v_out_of_range');
    expect(w.length).toBe(1);
    const v = w[0] as Record<string, unknown>;
    // the soma is driven hardest; the crossing happens after the step starts at 5 ms
    expect(v.first_section).toBe('soma[0]');
    expect(v.first_t_ms as number).toBeGreaterThan(5);
    expect(Math.abs(v.first_v_mV as number)).toBeGreaterThan(200);
    // the largest |v| is at least the largest recorded soma value, and the soma trace reaches it
    const peak = Math.max(...run.result.traces[0]);
    expect(peak).toBeGreaterThan(500);
    expect(v.max_abs_v_mV as number).toBeGreaterThanOrEqual(peak);
    expect(v.max_section).toBe('soma[0]');
    expect(v.max_abs_v_mV as number).toBeCloseTo(peak, 9);
    // the first crossing is where the soma trace first exceeds 200 mV
    const tFirst = run.result.t_ms[run.result.traces[0].findIndex((x) => Math.abs(x) > 200)];
    expect(v.first_t_ms).toBe(tFirst);
    expect(String(v.message)).toMatch(/beyond 200 mV.*soma\[0\]\(0\.5\)/);
  });

  it('a physiological run has no warning, and the solver result is the same with and without the check', () => {
    const run = runProtocol(parseProtocol(passive(0.05), 'mem.json'));
    expect(run.warnings).toEqual([]);
    const { request } = run.built;
    const a = simulate({ ...request, vWarn_mV: 1e-9 });
    const b = simulate({ ...request, vWarn_mV: 1e9 });
    expect(a.warnings!.length).toBe(1);
    expect(b.warnings!.length).toBe(0);
    a.traces.forEach((tr, k) => expect(Array.from(tr)).toEqual(Array.from(b.traces[k])));
  });

  it('dendrite run prints the warning and stores it in run.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-warn-'));
    const file = join(dir, 'p.json');
    writeFileSync(file, JSON.stringify(passive(1)));
    const err: string[] = [];
    const code = await main(['node', 'dendrite', 'run', file, '--out', join(dir, 'out')], { out: () => {}, err: (s) => err.push(s) });
    expect(code).toBe(0);
    expect(err.join('\n')).toMatch(/warning: \|v\| went beyond 200 mV/);
    const json = JSON.parse(readFileSync(join(dir, 'out', 'run.json'), 'utf8'));
    expect(json.warnings.map((w: { code: string }) => w.code)).toContain('v_out_of_range');
    expect(json.warnings[0].first_section).toBe('soma[0]');
  });
});

describe('spike criterion on simulated cells', () => {
  it('a passive cell driven above −20 mV: crossings, but no spikes (run.json shows both counts)', () => {
    const run = runProtocol(parseProtocol(passive(0.2), 'mem.json'));
    const soma = run.result.traces[0];
    expect(Math.max(...soma)).toBeGreaterThan(0);
    expect(Math.max(...soma)).toBeLessThan(200);
    expect(spikeTimes(run.result.t_ms, soma, -20).length).toBe(1);
    expect(run.probes[0].spikes_ms).toEqual([]);
    expect(run.probes[0].features.spike_count).toBe(0);
    expect(run.probes[0].features.threshold_crossings).toBe(1);
    expect(run.probes[1].features.threshold_crossings).toBe(1);
    expect(run.probes[1].features.spike_count).toBe(0);
    expect(run.warnings).toEqual([]);
    // "crossing" restores APCount's count
    const p = passive(0.2);
    const crossing = runProtocol(parseProtocol({ ...p, record: [{ label: 'soma', at: 'soma(0.5)', spike_rule: 'crossing' }] }, 'mem.json'));
    expect(crossing.probes[0].spikes_ms).toEqual(spikeTimes(run.result.t_ms, soma, -20));
    expect(crossing.probes[0].features).toMatchObject({ spike_count: 1, threshold_crossings: 1 });
  });

  it('hh spiking: every crossing is an action potential, at the same times as before', () => {
    const p = passive(0.3, {
      biophysics: { cm_uF_per_cm2: 1, Ra_ohm_cm: 100, v_init_mV: -65, mechanisms: [{ name: 'pas', region: 'dend', params: { g: 1e-4, e: -65 } }, { name: 'hh', region: 'soma' }] },
      stimuli: [{ type: 'iclamp', at: 'soma(0.5)', delay_ms: 5, dur_ms: 80, amp_nA: 0.3 }],
      run: { tstop_ms: 100, dt_ms: 0.025 },
    });
    const run = runProtocol(parseProtocol(p, 'mem.json'));
    const crossings = spikeTimes(run.result.t_ms, run.result.traces[0], -20);
    expect(crossings.length).toBeGreaterThanOrEqual(4);
    expect(run.probes[0].spikes_ms).toEqual(crossings);
    expect(run.probes[0].features.threshold_crossings).toBe(crossings.length);
  });
});

describe('a large dt with voltage-dependent channels', () => {
  const hh = (dt_ms: number, withHh: boolean) => passive(0.3, {
    biophysics: { cm_uF_per_cm2: 1, Ra_ohm_cm: 100, v_init_mV: -65, mechanisms: [{ name: 'pas', region: 'all', params: { g: 1e-4, e: -65 } }, ...(withHh ? [{ name: 'hh', region: 'soma' }] : [])] },
    stimuli: [{ type: 'iclamp', at: 'soma(0.5)', delay_ms: 5, dur_ms: 20, amp_nA: withHh ? 0.3 : 0.05 }],
    run: { tstop_ms: 40, dt_ms },
  });
  it('hh at dt 0.5 ms is warned about (dt_large, pointing at --check-dt); at 0.1 ms or passive it is not', () => {
    const w = runProtocol(parseProtocol(hh(0.5, true), 'mem.json')).warnings;
    expect(w.map((x) => x.code)).toEqual(['dt_large']);
    expect(w[0]).toMatchObject({ dt_ms: 0.5, limit_ms: 0.1, mechanisms: ['hh'] });
    expect(w[0].message).toMatch(/^dt 0\.5 ms is coarse for hh .*--check-dt/);
    expect(runProtocol(parseProtocol(hh(0.1, true), 'mem.json')).warnings).toEqual([]);
    expect(runProtocol(parseProtocol(hh(0.5, false), 'mem.json')).warnings).toEqual([]);
  });
});
