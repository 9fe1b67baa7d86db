/**
 * Signature: the dCaAP of Gidon et al. 2020 (Science 367:83) shrinks as the input grows. Their
 * test-pulse protocol (Fig3andS9/xor.hoc): a current step at the dCaAP site, delay 200 ms,
 * duration 1000 ms, run 1400 ms, amplitudes 0.18–0.30 nA; here on the bundled human L2/3
 * pyramidal cell with Gidon's passive values (cm 0.45 µF/cm², Rm 37 kΩ·cm², Ra 100 Ω·cm, e −74 mV,
 * v_init −75 mV, 35 °C) and their dCaAP (w 1.6, defaults from add_dcaap) in one 15 µm segment of a
 * distal apical branch, apic[76](0.214). The dCaAP's own depolarisation is measured as the
 * difference between the run with dCaAP and the same run with w = 0; each dCaAP is one peak of that
 * difference. Everything asserted is measured on our own traces.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { parseProtocol, buildSimulation } from '../../src/protocol/index.ts';
import { simulate } from '../../src/solvers/simulate.ts';

// Not a file: it locates the morphology and names the protocol in messages.
const FILE = fileURLToPath(new URL('../../fixtures/protocols/inline-dcaap-testpulse.json', import.meta.url));
const SITE = 'apic[76](0.214)';
const DEL = 200;
const DUR = 1000;

function run(amp: number, w: number) {
  const built = buildSimulation(
    parseProtocol(
      {
        morphology: '../morphologies/L23PC_human_2013_03_06_cell03_789_H41_03.CNG.swc',
        discretization: { max_length_um: 15 },
        biophysics: {
          cm_uF_per_cm2: 0.45, Ra_ohm_cm: 100, v_init_mV: -75, celsius: 35,
          mechanisms: [{ name: 'pas', region: 'all', params: { g: 1 / 37000, e: -74 } }],
        },
        stimuli: [{ type: 'iclamp', at: SITE, delay_ms: DEL, dur_ms: DUR, amp_nA: amp }],
        record: [{ label: 'site', at: SITE }],
        run: { tstop_ms: 1400, dt_ms: 0.025 },
      },
      FILE,
    ),
  );
  // dCaAP inserted where the current is injected, w set in that one segment (as Gidon's add_dcaap).
  const node = built.request.record[0] as number;
  return simulate({ ...built.request, mechanisms: [...built.request.mechanisms!, { name: 'dCaAP', nodes: [node], params: { w } }] });
}

/** Peaks (> 1 mV) of the dCaAP's own depolarisation during the pulse, at least 100 ms apart. */
function dcaaps(amp: number): { t: number; amplitude: number }[] {
  const a = run(amp, 1.6);
  const b = run(amp, 0);
  const out: { t: number; amplitude: number }[] = [];
  const t = a.t_ms;
  let i = 0;
  while (i < t.length && t[i] < DEL + DUR) {
    const d = a.traces[0][i] - b.traces[0][i];
    if (d <= 1) {
      i++;
      continue;
    }
    let best = i;
    let j = i;
    while (j < t.length && t[j] < t[i] + 100) {
      if (a.traces[0][j] - b.traces[0][j] > a.traces[0][best] - b.traces[0][best]) best = j;
      j++;
    }
    out.push({ t: t[best], amplitude: a.traces[0][best] - b.traces[0][best] });
    i = j;
  }
  return out;
}

const AMPS = [0.16, 0.18, 0.22, 0.26, 0.3];

describe('dCaAP: above threshold, a larger current gives a smaller dCaAP (Gidon 2020 test pulse)', () => {
  const events = new Map<number, { t: number; amplitude: number }[]>();
  beforeAll(() => {
    for (const amp of AMPS) events.set(amp, dcaaps(amp));
  }, 300_000);

  it('no dCaAP below threshold (0.16 nA)', () => {
    expect(events.get(0.16)).toEqual([]);
  });

  it('above threshold it fires once per refractory period (200 ms) during the 1 s pulse', () => {
    for (const amp of AMPS.slice(1)) {
      const ev = events.get(amp)!;
      expect(ev.length, `${amp} nA`).toBeGreaterThanOrEqual(4);
      expect(ev.length, `${amp} nA`).toBeLessThanOrEqual(5);
      for (let k = 1; k < ev.length; k++) expect(ev[k].t - ev[k - 1].t).toBeGreaterThanOrEqual(199);
    }
  });

  it('the dCaAPs during the sustained pulse shrink as the current grows', () => {
    const later = AMPS.slice(1).map((amp) => events.get(amp)!.slice(1));
    const mean = later.map((ev) => ev.reduce((s, e) => s + e.amplitude, 0) / ev.length);
    for (let k = 1; k < mean.length; k++) expect(mean[k], `${AMPS[k + 1]} nA vs ${AMPS[k]} nA`).toBeLessThan(mean[k - 1]);
    // the same holds dCaAP by dCaAP
    for (let n = 0; n < 3; n++) {
      for (let k = 1; k < later.length; k++) expect(later[k][n].amplitude).toBeLessThan(later[k - 1][n].amplitude);
    }
    // and strongly: at the top of the published range the dCaAP is a fraction of the one near threshold
    expect(mean[mean.length - 1]).toBeLessThan(0.5 * mean[0]);
  });

  it('the first dCaAP, triggered on the upward crossing of vth, has about the same size at every current', () => {
    const first = AMPS.slice(1).map((amp) => events.get(amp)![0].amplitude);
    for (const f of first) expect(Math.abs(f - first[0])).toBeLessThan(0.05 * first[0]);
  });
});
