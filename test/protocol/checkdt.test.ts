/**
 * `--check-dt`: rerun at dt/2 and compare on the common grid. A coarse dt on an hh cell loses
 * spikes and is called too coarse; NEURON's 0.025 ms on the same cell is called converged; the
 * numbers are the differences of the two runs' traces, every step of the dt run against every
 * second step of the dt/2 run.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../cli/main.ts';
import { parseProtocol, runProtocol } from '../../src/protocol/index.ts';
import { checkDt, CHECK_DT_THRESHOLDS } from '../../src/protocol/checkdt.ts';

const MORPH = fileURLToPath(new URL('../../fixtures/morphologies/ball_and_stick.swc', import.meta.url));

function hh(dt_ms: number, method = 'backward_euler') {
  return {
    morphology: MORPH,
    discretization: { nseg: 5 },
    biophysics: { cm_uF_per_cm2: 1, Ra_ohm_cm: 100, v_init_mV: -65, mechanisms: [{ name: 'pas', region: 'dend', params: { g: 1e-4, e: -65 } }, { name: 'hh', region: 'soma' }] },
    stimuli: [{ type: 'iclamp', at: 'soma(0.5)', delay_ms: 5, dur_ms: 40, amp_nA: 0.3 }],
    record: [{ label: 'soma', at: 'soma(0.5)' }, { label: 'tip', at: 'dend[0](0.9)' }, { label: 'm', at: 'soma(0.5)', what: 'hh.m' }],
    run: { tstop_ms: 50, dt_ms, method },
  };
}

describe('check-dt', () => {
  it('dt 1 ms (backward Euler) is too coarse: spikes are lost', () => {
    const p = parseProtocol(hh(1), 'mem.json');
    const c = checkDt(p, runProtocol(p));
    expect(c.converged).toBe(false);
    expect(c.half_dt_ms).toBe(0.5);
    const soma = c.probes[0];
    expect(soma.spike_count).not.toBe(soma.spike_count_half_dt);
    expect(c.verdict).toMatch(/^dt 1 ms is too coarse: max \|ΔV\| [\d.]+ mV away from spikes, spike counts differ \(soma: \d+ at dt, \d+ at dt\/2\)/);
  });

  it('dt 0.025 ms is converged, and the differences are those of the two runs on the common grid', () => {
    const p = parseProtocol(hh(0.025), 'mem.json');
    const run = runProtocol(p);
    const c = checkDt(p, run);
    expect(c.converged).toBe(true);
    expect(c.verdict).toMatch(/^dt 0\.025 ms looks converged: max \|ΔV\| [\d.]+ mV away from spikes, same spike counts/);
    const fine = runProtocol(parseProtocol(hh(0.0125), 'mem.json'));
    expect(fine.result.t_ms.length).toBe(2 * run.result.t_ms.length - 1);
    c.probes.forEach((q, k) => {
      let max = 0;
      run.result.traces[k].forEach((x, j) => (max = Math.max(max, Math.abs(x - fine.result.traces[k][2 * j]))));
      expect(q.max_abs_diff).toBe(max);
      expect(q.max_abs_diff_away_from_spikes).toBeLessThanOrEqual(max);
    });
    const soma = c.probes[0];
    expect(soma.spike_count).toBe(run.probes[0].spikes_ms.length);
    expect(soma.spike_count_half_dt).toBe(fine.probes[0].spikes_ms.length);
    expect(soma.spike_count).toBeGreaterThanOrEqual(4);
    const shifts = run.probes[0].spikes_ms.map((t, j) => Math.abs(t - fine.probes[0].spikes_ms[j]));
    expect(soma.max_spike_shift_ms).toBe(Math.max(...shifts));
    // during spikes the traces differ by far more than 1 mV; away from them they agree
    expect(soma.max_abs_diff).toBeGreaterThan(CHECK_DT_THRESHOLDS.v_mV);
    expect(soma.max_abs_diff_away_from_spikes).toBeLessThan(CHECK_DT_THRESHOLDS.v_mV);
    // hh.m has no spikes and a unit of 1: compared against 2 % of its range
    expect(c.probes[2].spike_count).toBeUndefined();
    expect(c.probes[2].converged).toBe(true);
  });

  it('Crank–Nicolson at dt 0.025 ms agrees with dt/2 far more closely than backward Euler', () => {
    const be = parseProtocol(hh(0.025), 'mem.json');
    const cn = parseProtocol(hh(0.025, 'crank_nicolson'), 'mem.json');
    const a = checkDt(be, runProtocol(be));
    const b = checkDt(cn, runProtocol(cn));
    expect(b.method).toBe('crank_nicolson');
    expect(b.probes[0].max_spike_shift_ms!).toBeLessThan(a.probes[0].max_spike_shift_ms! / 5);
  });

  it('dendrite run --check-dt prints the verdict and stores it in run.json; a coarse dt is also a warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-checkdt-'));
    for (const [name, dt] of [['fine', 0.025], ['coarse', 1]] as const) {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(hh(dt)));
      const err: string[] = [];
      const code = await main(['node', 'dendrite', 'run', file, '--out', join(dir, name), '--check-dt', '--quiet'], { out: () => {}, err: (s) => err.push(s) });
      expect(code).toBe(0);
      const json = JSON.parse(readFileSync(join(dir, name, 'run.json'), 'utf8'));
      expect(json.check_dt.dt_ms).toBe(dt);
      expect(json.check_dt.probes.map((q: { label: string }) => q.label)).toEqual(['soma', 'tip', 'm']);
      expect(err).toEqual([`dendrite: check-dt: ${json.check_dt.verdict}`]);
      expect(json.check_dt.converged).toBe(dt === 0.025);
      expect(json.warnings.some((w: { code: string }) => w.code === 'dt_too_coarse')).toBe(dt === 1);
      // the comparison replaces the generic hint about a large dt
      expect(json.warnings.some((w: { code: string }) => w.code === 'dt_large')).toBe(false);
    }
  }, 60000);
});
