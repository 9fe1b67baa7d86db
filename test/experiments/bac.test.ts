/**
 * bac (--quick): BAC firing on the reduced L5 pyramidal cell. The three conditions give the somatic
 * spike counts of Larkum et al. 1999 (bAP alone 1, distal EPSP alone 0, both a burst), the Ca spike
 * width lies in the published range, the coincidence window opens at the bAP and closes within tens
 * of ms; the cell file has the dimensions of Bahl et al. 2012 that fixtures/morphologies/README.md
 * gives; and NEURON 8.2.2 running the same cell and protocol (fixtures/neuron/l5_reduced, Hay's own
 * .mod files) gives the same three conditions, trace for trace.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { failedChecks, runQuick } from './helpers.ts';
import { loadMorphology } from '../../src/morphology/index.ts';
import { column, readCellProtocol, runCell, spikesOf, variant } from '../../src/experiments/l5-reduced.ts';
import { readCsv } from '../helpers/csv.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the reduced L5 pyramidal cell (fixtures/morphologies/l5_reduced.swc)', () => {
  it('has Bahl et al. 2012 model 1 lengths and membrane areas per compartment', () => {
    const m = loadMorphology(join(ROOT, 'fixtures/morphologies/l5_reduced.swc'));
    expect(m.warnings).toEqual([]);
    const by = new Map(m.sections.map((s) => [s.name, s]));
    expect([...by.keys()]).toEqual(['soma[0]', 'axon[0]', 'dend[0]', 'apic[0]', 'apic[1]', 'apic[2]']);
    const near = (x: number, y: number, rel: number) => expect(Math.abs(x / y - 1)).toBeLessThan(rel);
    // Bahl et al. 2012 (their model 1): soma 1682.96, basal 7060.91 (L 257), apical 9312.39 (L 500), tuft 9434.25 µm2 (L 499)
    near(by.get('soma[0]')!.area_um2, 1682.96, 1e-3);
    near(by.get('dend[0]')!.area_um2, 7060.91, 1e-3);
    near(by.get('dend[0]')!.L_um, 257, 1e-6);
    near(by.get('apic[0]')!.area_um2, 9312.39, 1e-3);
    near(by.get('apic[0]')!.L_um, 500, 1e-6);
    near(by.get('apic[1]')!.area_um2 + by.get('apic[2]')!.area_um2, 9434.25, 5e-3); // the 1 µm taper at the nexus adds 0.3 %
    near(by.get('apic[1]')!.L_um, 499, 1e-6);
    // hillock 20 µm (3.5 → 2), AIS 25 µm (2 → 1.5), axon 500 µm (1.5), one section
    near(by.get('axon[0]')!.L_um, 545, 1e-6);
    near(by.get('axon[0]')!.area_um2, Math.PI * (2.75 * 20 + 1.75 * 25 + 1.5 * 500), 1e-3);
    for (const s of ['apic[1]', 'apic[2]']) expect(m.sections[by.get(s)!.parent].name).toBe('apic[0]');
  });
});

describe('experiment bac --quick', async () => {
  const { results, checks, dir } = await runQuick('bac');
  const r = results as any;

  it('every literature check passes', () => {
    console.log(checks.map((c) => `${c.name}: ${c.value.toPrecision(4)} ${c.unit} [${c.range}]`).join('\n'));
    expect(checks.length).toBe(5);
    expect(failedChecks(checks)).toEqual([]);
  });

  it('results.json has the spike counts by condition, the Ca spike and the window', () => {
    expect(Object.keys(r.somatic_spikes).sort()).toEqual(['bac', 'bap_only', 'epsp_only']);
    expect(r.somatic_spikes.bap_only).toBe(1);
    expect(r.somatic_spikes.epsp_only).toBe(0);
    expect(r.somatic_spikes.bac).toBeGreaterThanOrEqual(2);
    // the Ca spike is a plateau well above the tuft's rest, far longer than the bAP alone keeps the tuft above −55 mV
    expect(r.ca_spike_peak_mV).toBeGreaterThan(-20);
    expect(r.ca_spike_width_ms).toBeGreaterThan(1.5 * r.time_above_threshold_alone_ms.bap_only);
    expect(r.cai_peak_mM).toBeGreaterThan(2e-4);
    // burst intervals of a few ms (Larkum 1999: 100-200 Hz bursts)
    expect(r.burst_mean_isi_ms).toBeGreaterThan(4);
    expect(r.burst_mean_isi_ms).toBeLessThan(15);
    const w = r.coincidence_window_ms;
    expect(w.delays_ms.length).toBe(w.somatic_spikes.length);
    // an EPSP long before the bAP or long after it gives no burst; at 0 it does
    expect(w.somatic_spikes[0]).toBe(1);
    expect(w.somatic_spikes[w.somatic_spikes.length - 1]).toBe(1);
    expect(w.somatic_spikes[w.delays_ms.indexOf(0)]).toBeGreaterThanOrEqual(2);
    expect(w.from).toBeLessThanOrEqual(0);
  });

  it('writes its figure and the protocols it ran', () => {
    for (const f of ['bac_traces.svg', 'bac_window.svg']) expect(existsSync(join(dir, f))).toBe(true);
    for (const p of ['bap_only', 'epsp_only', 'bac', 'window_example']) expect(results.protocols).toContain(`${p}.json`);
    const bacProtocol = JSON.parse(readFileSync(join(dir, 'protocols', 'bac.json'), 'utf8'));
    expect(bacProtocol.stimuli.map((s: { type: string }) => s.type)).toEqual(['iclamp', 'epsp']);
  });
});

describe('the three conditions do not depend on dt: the same somatic APs at dt/2 (0.0125 ms)', () => {
  const file = join(ROOT, 'fixtures/experiments/bac/bac.json');
  const base = readCellProtocol(file);
  const soma = base.stimuli.find((s) => s.type === 'iclamp')!, epsp = base.stimuli.find((s) => s.type === 'epsp')!;
  it('bAP alone 1, EPSP alone 0, both 3', () => {
    const run = (stimuli: Record<string, unknown>[]) => spikesOf(runCell(variant(base, { stimuli, run: { ...base.run, dt_ms: base.run.dt_ms / 2, tstop_ms: 260 } }), file), 'v_soma').length;
    expect([run([soma]), run([epsp]), run([soma, epsp])]).toEqual([1, 0, 3]);
  });
});

describe('the bac protocol on the reduced cell equals NEURON 8.2.2 (fixtures/neuron/l5_reduced)', () => {
  const REF = join(ROOT, 'fixtures/neuron/l5_reduced/cases');
  const meta = JSON.parse(readFileSync(join(REF, 'bac_conditions.json'), 'utf8'));
  const ref = readCsv(join(REF, meta.csv));
  const file = join(ROOT, 'fixtures/experiments/bac/bac.json');
  const base = readCellProtocol(file);
  const soma = base.stimuli.find((s) => s.type === 'iclamp')!, epsp = base.stimuli.find((s) => s.type === 'epsp')!;
  const stimuli: Record<string, Record<string, unknown>[]> = { bap_only: [soma], epsp_only: [epsp], bac: [soma, epsp] };
  for (const c of meta.conditions as string[]) {
    it(c, () => {
      const run = runCell(variant(base, { stimuli: stimuli[c] }), file);
      // NEURON's spikes (NetCon threshold −20 mV, at the step after the crossing) and ours (interpolated)
      const ours = spikesOf(run, 'v_soma'), theirs: number[] = meta.spikes_ms[c];
      expect(ours.length).toBe(theirs.length);
      ours.forEach((t, k) => expect(Math.abs(t - theirs[k])).toBeLessThan(0.03));
      const worst: string[] = [];
      for (const label of ['v_soma', 'v_trunk300', 'v_tuft600', 'cai_tuft600']) {
        const want = ref.cols[ref.header.indexOf(`${label}@${c}`)];
        const got = column(run, label);
        let d = 0;
        for (let r = 0; r < want.length; r++) d = Math.max(d, Math.abs(got[r * meta.row_every_steps] - want[r]));
        worst.push(`${label} ${d.toExponential(2)}`);
        expect(d, label).toBeLessThanOrEqual(label.startsWith('cai') ? 1e-12 : 1e-6);
      }
      console.log(`${c} vs NEURON ${meta.neuron_version}: max |Δ| ${worst.join(', ')}`);
    });
  }
});
