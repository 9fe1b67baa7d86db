/**
 * Synapses through the whole stack: a protocol file with synapses, spike sources and a threshold
 * detector, run by `dendrite run`; spikes.csv holds the sources' and the detector's spikes after
 * the probes' crossings, run.json lists the synapses and the spike counts.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../cli/main.ts';
import { loadProtocol, runProtocol } from '../../src/protocol/index.ts';

const MORPH = fileURLToPath(new URL('../../fixtures/morphologies/ball_and_stick.swc', import.meta.url));

function protocol() {
  return {
    morphology: MORPH,
    discretization: { nseg: 5 },
    biophysics: {
      cm_uF_per_cm2: 1, Ra_ohm_cm: 100, v_init_mV: -65, celsius: 6.3,
      mechanisms: [{ name: 'pas', region: 'all', params: { g: 1e-4, e: -65 } }, { name: 'hh', region: 'soma' }],
    },
    synapses: [
      { name: 'drive', type: 'Exp2Syn', at: 'soma(0.5)', params: { tau1: 0.5, tau2: 3, e: 0 }, weight_uS: 0.05 },
      { name: 'feedback', type: 'GABAA', at: 'dend[0](0.2)', weight_uS: 0.002 },
    ],
    spike_sources: [
      { name: 'pre', type: 'regular', start_ms: 5, interval_ms: 20, number: 3 },
      { name: 'background', type: 'poisson', rate_Hz: 50, start_ms: 0, seed: 11 },
    ],
    connections: [
      { source: 'pre', target: 'drive', delay_ms: 1 },
      { source: 'background', target: 'feedback', delay_ms: 2 },
      { source: { at: 'soma(0.5)', threshold_mV: 0, label: 'soma_ap' }, target: 'feedback', delay_ms: 3 },
    ],
    record: [{ label: 'soma', at: 'soma(0.5)', spike_threshold_mV: 0 }],
    run: { tstop_ms: 80, dt_ms: 0.025 },
  };
}

describe('synapses in a protocol run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-syn-'));
  const file = join(dir, 'syn.json');
  writeFileSync(file, JSON.stringify(protocol()));

  it('each presynaptic spike makes the soma fire; the detector sees the same spikes', () => {
    const run = runProtocol(loadProtocol(file));
    const spikes = run.result.spikes!;
    expect(spikes.map((s) => s.label)).toEqual(['pre', 'background', 'soma_ap']);
    expect(Array.from(spikes[0].t_ms)).toEqual([5, 25, 45]);
    const ap = Array.from(spikes[2].t_ms);
    expect(ap.length).toBe(3);
    // detector spikes at t_n + 1e-10 just after the interpolated crossings of the probe
    const crossings = run.probes[0].spikes_ms;
    expect(crossings.length).toBe(3);
    ap.forEach((t, k) => {
      expect(t - crossings[k]).toBeGreaterThan(0);
      expect(t - crossings[k]).toBeLessThan(0.025 + 1e-9);
      expect((t - 1e-10) / 0.025).toBeCloseTo(Math.round((t - 1e-10) / 0.025), 6);
    });
    // each AP follows its presynaptic spike (+1 ms delay) within a few ms
    ap.forEach((t, k) => expect(t - (spikes[0].t_ms[k] + 1)).toBeLessThan(5));
  });

  it('dendrite run writes the spikes of sources and detectors to spikes.csv and counts them in run.json', async () => {
    const out = join(dir, 'out');
    const code = await main(['node', 'dendrite', 'run', file, '--out', out, '--quiet'], { out: () => {}, err: (s) => console.error(s) });
    expect(code).toBe(0);
    const rows = readFileSync(join(out, 'spikes.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('label,t_ms');
    const byLabel = (l: string) => rows.slice(1).filter((r) => r.startsWith(`${l},`)).map((r) => Number(r.split(',')[1]));
    expect(byLabel('pre')).toEqual([5, 25, 45]);
    expect(byLabel('soma').length).toBe(3);
    expect(byLabel('soma_ap').length).toBe(3);
    expect(byLabel('background').length).toBeGreaterThan(0);
    const runJson = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(runJson.synapses.map((s: { type: string }) => s.type)).toEqual(['Exp2Syn', 'GABAA']);
    expect(runJson.spike_sources).toEqual([
      { label: 'pre', kind: 'source', spike_count: 3 },
      { label: 'background', kind: 'source', spike_count: byLabel('background').length },
      { label: 'soma_ap', kind: 'detector', spike_count: 3 },
    ]);
  });

  it('the same seed gives the same background train on a second run', () => {
    const a = runProtocol(loadProtocol(file)).result.spikes![1].t_ms;
    const b = runProtocol(loadProtocol(file)).result.spikes![1].t_ms;
    expect(Array.from(a)).toEqual(Array.from(b));
    const p = protocol();
    p.spike_sources[1].seed = 12;
    writeFileSync(join(dir, 'other.json'), JSON.stringify(p));
    const c = runProtocol(loadProtocol(join(dir, 'other.json'))).result.spikes![1].t_ms;
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });
});
