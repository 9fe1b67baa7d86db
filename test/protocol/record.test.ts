/**
 * Every variable recordable: synapse (point-process) variables by synapse name, one column per
 * synapse; recordings placed by path distance with pick "all"; every segment's v with "at": "all".
 * Checked against the physics of the NMDA synapse on the bundled NMDA-plateau protocol and
 * against single-site recordings of the same run.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main.ts';
import { fileURLToPath } from 'node:url';
import { parseProtocol, runProtocol, type ProtocolRun } from '../../src/protocol/index.ts';

const FILE = fileURLToPath(new URL('../../fixtures/protocols/syn_nmda_plateau_l23.json', import.meta.url));
const BASE = JSON.parse(readFileSync(FILE, 'utf8'));

/** The plateau protocol, shortened to 80 ms (the volley is at 50 ms), with these record entries. */
function plateau(record: unknown[], run: Record<string, unknown> = {}) {
  return parseProtocol({ ...BASE, record, run: { ...BASE.run, tstop_ms: 80, ...run } }, FILE);
}

function column(run: ProtocolRun, label: string): Float64Array {
  const k = run.built.probes.findIndex((q) => q.label === label);
  expect(k, label).toBeGreaterThanOrEqual(0);
  return run.result.traces[k];
}

describe('synapse variables', () => {
  const run = runProtocol(plateau([
    { label: 'cluster', at: 'dend[23](0.5)' },
    { label: 'gn', synapse: 'nmda', what: 'g' },
    { label: 'in', synapse: 'nmda', what: 'i' },
    { label: 'mg', synapse: 'nmda', what: 'mggate' },
    { label: 'A', synapse: 'nmda', what: 'A' },
    { label: 'B', synapse: 'nmda', what: 'B' },
    { label: 'ga', synapse: 0, what: 'g' },
    { label: 'v', at: 'all' },
  ]));
  const probes = run.built.probes;
  const t = run.result.t_ms;

  it('one column per synapse of the entry, labelled label[k], with the unit of the variable', () => {
    const gn = probes.filter((q) => q.entry === 1);
    expect(gn.map((q) => q.label)).toEqual(Array.from({ length: 20 }, (_, k) => `gn[${k}]`));
    expect(new Set(gn.map((q) => q.unit))).toEqual(new Set(['uS']));
    expect(probes.find((q) => q.label === 'in[0]')!.unit).toBe('nA');
    expect(probes.find((q) => q.label === 'mg[0]')!.unit).toBe('1');
    expect(gn[3].synapse).toEqual({ entry: 1, name: 'nmda', type: 'NMDA', site: 3 });
    expect(gn[3].at).toBe('dend[23](0.4629)');
    // features in the column's unit, no spike features
    const out = run.probes.find((q) => q.label === 'gn[0]')!;
    expect(Object.keys(out.features)).toEqual(['baseline_uS', 'peak_uS', 'peak_t_ms', 'min_uS', 'min_t_ms']);
    expect(out.spikes_ms).toEqual([]);
    expect(Object.keys(run.probes.find((q) => q.label === 'in[0]')!.features)).toContain('min_nA');
  });

  it('NMDA physics at every sample: g ≥ 0, zero before the volley; i = g·(v − e); g = (B − A)·mggate; the Mg block of v', () => {
    const e = 0, mg = 1, gamma = 0.062, mgDep = 3.57;
    let checked = 0, negative = 0, beforeVolley = 0, errI = 0, errBlock = 0, errG = 0;
    for (let s = 0; s < 20; s++) {
      const q = probes.find((x) => x.label === `gn[${s}]`)!;
      const v = column(run, `v@${q.section}(${Number(q.node_x.toPrecision(6))})`);
      const g = column(run, `gn[${s}]`), i = column(run, `in[${s}]`), m = column(run, `mg[${s}]`);
      const A = column(run, `A[${s}]`), B = column(run, `B[${s}]`);
      for (let k = 1; k < t.length; k++) {
        // sample k holds what the step from t[k-1] computed with v(t[k-1]) (NEURON's Vector.record)
        if (g[k] < 0) negative++;
        if (t[k] < 50 && g[k] !== 0) beforeVolley++;
        errI = Math.max(errI, Math.abs(i[k] - g[k] * (v[k - 1] - e)));
        errBlock = Math.max(errBlock, Math.abs(m[k] - 1 / (1 + Math.exp(gamma * -v[k - 1]) * (mg / mgDep))));
        // the volley is delivered after recording the step ending at t = 50 ms: skip that sample
        if (Math.abs(t[k - 1] - 50) > 1e-6) errG = Math.max(errG, Math.abs(g[k] - (B[k - 1] - A[k - 1]) * m[k]));
        checked++;
      }
      // a plateau: inward current, peak conductance below the weight (3 nS) because of the block
      expect(Math.min(...i)).toBeLessThan(0);
      expect(Math.max(...g)).toBeGreaterThan(0.1e-3);
      expect(Math.max(...g)).toBeLessThan(3e-3);
    }
    expect(checked).toBe(20 * (t.length - 1));
    expect(negative).toBe(0);
    expect(beforeVolley).toBe(0);
    expect(errI).toBeLessThan(1e-15); // nA; i is of order 1e-1
    expect(errBlock).toBeLessThan(1e-14);
    expect(errG).toBeLessThan(1e-18); // µS; g is of order 1e-3
  }, 60000);

  it('the AMPA synapses (by index) are unblocked: g is B − A exactly', () => {
    expect(probes.filter((q) => q.entry === 6).length).toBe(20);
    // one event of weight w gives a peak of w (the factor normalises B − A; sampled every dt, so a
    // little below), here 0.5 nS
    expect(BASE.synapses[0].weight_uS).toBe('0.5 nS');
    const peak = Math.max(...column(run, 'ga[0]'));
    expect(peak).toBeLessThanOrEqual(0.5e-3 * (1 + 1e-12));
    expect(peak).toBeGreaterThan(0.5e-3 * 0.98);
  });

  it('"at": "all" records every segment once, labelled label@sec(x)', () => {
    const all = probes.filter((q) => q.entry === 7);
    const segments = run.built.layout.sections.reduce((a, s) => a + s.nseg, 0);
    expect(all.length).toBe(segments);
    expect(new Set(all.map((q) => q.node)).size).toBe(segments);
    expect(all[0].label).toMatch(/^v@soma\[0\]\(0\.\d+\)$/);
    expect(all.every((q) => q.label === `v@${q.section}(${Number(q.node_x.toPrecision(6))})`)).toBe(true);
    // the cluster's column is the same trace as the "all" column at its node
    const c = probes.find((q) => q.label === 'cluster')!;
    const same = all.find((q) => q.node === c.node)!;
    expect(Array.from(column(run, same.label))).toEqual(Array.from(column(run, 'cluster')));
  });
});

describe('units in the outputs', () => {
  it('traces.json, traces.npy.json and run.json give each synapse column its unit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-record-'));
    const file = join(dir, 'p.json');
    const raw = { ...BASE, morphology: fileURLToPath(new URL('../../fixtures/morphologies/L23PC_human_2013_03_06_cell03_789_H41_03.CNG.swc', import.meta.url)),
      record: [{ label: 'cluster', at: 'dend[23](0.5)' }, { label: 'gn', synapse: 'nmda', what: 'g' }, { label: 'in', synapse: 'nmda', what: 'i' }],
      run: { ...BASE.run, tstop_ms: 10 } };
    writeFileSync(file, JSON.stringify(raw));
    const code = await main(['node', 'dendrite', 'run', file, '--out', join(dir, 'out'), '--format', 'json,npy', '--quiet'], { out: () => {}, err: () => {} });
    expect(code).toBe(0);
    const tj = JSON.parse(readFileSync(join(dir, 'out', 'traces.json'), 'utf8'));
    expect(tj.units.cluster).toBe('mV');
    expect(tj.units['gn[0]']).toBe('uS');
    expect(tj.units['in[19]']).toBe('nA');
    const side = readFileSync(join(dir, 'out', 'traces.npy.json'), 'utf8');
    expect(side).toContain('gn[7]');
    expect(side).toContain('"uS"');
    const rj = JSON.parse(readFileSync(join(dir, 'out', 'run.json'), 'utf8'));
    const gn7 = rj.probes.find((q: { label: string }) => q.label === 'gn[7]');
    expect(gn7).toMatchObject({ unit: 'uS', what: 'g', synapse: { entry: 1, name: 'nmda', type: 'NMDA', site: 7 } });
    expect(gn7).toHaveProperty('peak_uS');
    expect(gn7).not.toHaveProperty('peak_mV');
    expect(gn7).not.toHaveProperty('spike_count');
  }, 60000);
});

describe('pick "all" for recordings', () => {
  it('one column per crossing, label[k], equal to recording each site by name', () => {
    const ring = { region: 'dend', distance_um: 60, pick: 'all' };
    const a = runProtocol(plateau([{ label: 'ring', at: ring }], { tstop_ms: 60 }));
    const sites = a.built.probes;
    expect(sites.length).toBeGreaterThan(2);
    expect(sites.map((q) => q.label)).toEqual(sites.map((_, k) => `ring[${k}]`));
    const b = runProtocol(plateau(sites.map((q, k) => ({ label: `s${k}`, at: `${q.section}(${q.x})` })), { tstop_ms: 60 }));
    sites.forEach((q, k) => {
      expect(b.built.probes[k].node).toBe(q.node);
      expect(Array.from(b.result.traces[k])).toEqual(Array.from(a.result.traces[k]));
    });
  }, 60000);
});

describe('record errors name the JSON path', () => {
  const bad = (record: unknown[]) => () => runProtocol(plateau(record, { tstop_ms: 1 }));
  it('an unknown synapse name, with did-you-mean', () => {
    expect(bad([{ label: 'g', synapse: 'nmdaa', what: 'g' }])).toThrow(/\$\.record\[0\]\.synapse: no synapse named "nmdaa" \(did you mean "nmda"\?\); synapses: ampa, nmda/);
  });
  it('a synapse index out of range', () => {
    expect(bad([{ label: 'g', synapse: 2, what: 'g' }])).toThrow(/\$\.record\[0\]\.synapse: synapse index 2, but there are 2 synapses/);
  });
  it('an unknown variable, with the recordable ones', () => {
    expect(bad([{ label: 'g', synapse: 'nmda', what: 'gg' }])).toThrow(/\$\.record\[0\]\.what: NMDA has no variable "gg" \(did you mean "g"\?\); it has: A, B, g, i, factor, mggate/);
  });
  it('a synapse without "what", or with "at" too', () => {
    expect(bad([{ label: 'g', synapse: 'nmda' }])).toThrow(/\$\.record\[0\]\.what: missing \(required with "synapse"\)/);
    expect(bad([{ label: 'g', synapse: 'nmda', at: 'soma(0.5)', what: 'g' }])).toThrow(/\$\.record\[0\]\.synapse: give one of "at".*not "at" and "synapse"/);
  });
  it('a column label that another entry already makes', () => {
    expect(bad([{ label: 'gn[1]', at: 'soma(0.5)' }, { label: 'gn', synapse: 'nmda', what: 'g' }])).toThrow(/\$\.record\[1\]\.label: column "gn\[1\]" is also a column of \$\.record\[0\]/);
  });
  it('a mechanism that is not at the location still lists what is', () => {
    expect(bad([{ label: 'x', at: 'dend[23](0.5)', what: 'NMDA.g' }])).toThrow(/\$\.record\[0\]\.what: mechanism "NMDA" is not inserted at dend\[23\]/);
  });
});
