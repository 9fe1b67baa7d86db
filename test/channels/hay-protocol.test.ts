/**
 * The protocol features the Hay model needs, on a bundled cell (CA1 c91662, so these run without
 * the CC BY-NC-SA L5PC morphology): densities that vary along the cell (expressions of distance_um
 * and max_distance_um, per-segment lists) with their errors, probes of any mechanism or ion variable
 * (`record[].what`), ion settings and the Nernst rule, `morphology.replace_axon`, nseg rules.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { buildSimulation, parseProtocol, runProtocol } from '../../src/protocol/index.ts';
import { pathDistances, distanceAt, distanceRange } from '../../src/cable/distance.ts';
import { parseLocation, selectSections } from '../../src/cable/regions.ts';
import { nernst } from '../../src/channels/ions.ts';

const FILE = fileURLToPath(new URL('../../fixtures/protocols/hay_features.json', import.meta.url));
const SWC = '../morphologies/CA1PC_rat_c91662.swc';

type Json = Record<string, unknown>;

function base(): Json {
  return {
    morphology: SWC,
    discretization: { nseg: '1 + 2*floor(L_um/40)' },
    biophysics: {
      cm_uF_per_cm2: 1, Ra_ohm_cm: 100, v_init_mV: -80, celsius: 34,
      distance_origin: 'soma[0](0.5)',
      mechanisms: [
        { name: 'pas', params: { g: 3e-5, e: -90 } },
        { name: 'Ih', region: 'apic', params: { gIhbar: '0.0002*(-0.8696 + 2.087*exp(3.6161*distance_um/max_distance_um))' } },
        { name: 'Ca_LVAst', region: 'apic', params: { gCa_LVAstbar: '100 < distance_um < 200 ? 0.0187 : 0.000187' } },
        { name: 'CaDynamics_E2', region: ['soma', 'apic'], params: { decay: 122, gamma: 0.000509 } },
        { name: 'NaTa_t', region: 'soma', params: { gNaTa_tbar: 2.04, ena: 50 } },
        { name: 'SK_E2', region: 'soma', params: { gSK_E2bar: 0.0441, ek: -85 } },
      ],
    },
    stimuli: [{ type: 'iclamp', at: 'soma[0](0.5)', delay_ms: 2, dur_ms: 3, amp_nA: 1 }],
    record: [{ label: 'v', at: 'soma[0](0.5)' }],
    run: { tstop_ms: 5, dt_ms: 0.025 },
  };
}

function build(edit: (p: Json & { biophysics: Json & { mechanisms: Json[] }; record: Json[] }) => void) {
  const p = structuredClone(base()) as Json & { biophysics: Json & { mechanisms: Json[] }; record: Json[] };
  edit(p);
  return buildSimulation(parseProtocol(p, FILE));
}

function fails(edit: Parameters<typeof build>[0], ...parts: (string | RegExp)[]): void {
  let msg = '';
  try {
    build(edit);
  } catch (e) {
    msg = (e as Error).message;
  }
  expect(msg, 'expected an error').not.toBe('');
  for (const part of parts) {
    if (typeof part === 'string') expect(msg).toContain(part);
    else expect(msg).toMatch(part);
  }
}

describe('densities along the cell', () => {
  it('evaluates an expression of distance_um / max_distance_um at every segment centre', () => {
    const built = build(() => {});
    const secs = built.morphology.sections;
    const pd = pathDistances(built.morphology, parseLocation(secs, 'soma[0](0.5)', 'origin'));
    const apic = selectSections(secs, 'apic', 'apic');
    const max = distanceRange(pd, apic).max;
    expect(max).toBeGreaterThan(300);
    const ih = built.request.mechanisms!.find((u) => u.name === 'Ih')!;
    const lva = built.request.mechanisms!.find((u) => u.name === 'Ca_LVAst')!;
    let k = 0;
    let inZone = 0;
    for (const s of apic) {
      const sec = built.layout.sections[s];
      for (let j = 0; j < sec.nseg; j++, k++) {
        expect(ih.nodes[k]).toBe(sec.firstCentre + j);
        const d = distanceAt(pd, s, (j + 0.5) / sec.nseg);
        const want = 0.0002 * (-0.8696 + 2.087 * Math.exp((3.6161 * d) / max));
        expect(Math.abs((ih.params!.gIhbar as ArrayLike<number>)[k] - want)).toBeLessThanOrEqual(1e-15);
        const hot = d > 100 && d < 200;
        if (hot) inZone++;
        expect((lva.params!.gCa_LVAstbar as ArrayLike<number>)[k]).toBe(hot ? 0.0187 : 0.000187);
      }
    }
    expect(inZone).toBeGreaterThan(0);
  });

  it('measures from biophysics.distance_origin', () => {
    const a = build(() => {});
    const b = build((p) => {
      p.biophysics.distance_origin = 'apic[5](1)';
    });
    const ga = a.request.mechanisms!.find((u) => u.name === 'Ih')!.params!.gIhbar as ArrayLike<number>;
    const gb = b.request.mechanisms!.find((u) => u.name === 'Ih')!.params!.gIhbar as ArrayLike<number>;
    // apic[0] is near soma[0](0.5) but far from apic[5](1)
    expect(gb[0]).toBeGreaterThan(ga[0]);
  });

  it('refuses unknown names, with a suggestion and the JSON path', () => {
    fails((p) => {
      p.biophysics.mechanisms[1].params = { gIhbar: '0.0002*exp(distanse_um/300)' };
    }, '$.biophysics.mechanisms[1].params.gIhbar', 'unknown name "distanse_um"', 'did you mean "distance_um"');
  });

  it('refuses an expression that does not parse', () => {
    fails((p) => {
      p.biophysics.mechanisms[1].params = { gIhbar: '0.0002*(1 + distance_um' };
    }, '$.biophysics.mechanisms[1].params.gIhbar', 'cannot parse "0.0002*(1 + distance_um" as an expression');
  });

  it('refuses a negative conductance, naming the path, the section and the value', () => {
    fails((p) => {
      p.biophysics.mechanisms[1].params = { gIhbar: '0.0002 - 1e-6*distance_um' };
    }, '$.biophysics.mechanisms[1].params.gIhbar', /-\d.*S\/cm2 on apic\[\d+\]\(/, 'negative conductance');
  });

  it('refuses a per-segment list of the wrong length', () => {
    fails((p) => {
      p.biophysics.mechanisms.push({ name: 'Im', region: 'apic[0]', params: { gImbar: [1e-5, 2e-5, 3e-5, 4e-5, 5e-5, 6e-5, 7e-5, 8e-5, 9e-5] } });
    }, '$.biophysics.mechanisms[6].params.gImbar', 'one value per segment');
  });

  it('refuses a non-finite or non-numeric result', () => {
    fails((p) => {
      p.biophysics.mechanisms[1].params = { gIhbar: 'log(distance_um - 1e9)' };
    }, '$.biophysics.mechanisms[1].params.gIhbar');
  });
});

describe('per-segment lists', () => {
  it('put each value on its segment, sections in order', () => {
    const first = build(() => {});
    const sec = first.layout.sections[selectSections(first.morphology.sections, 'apic[0]', 'x')[0]];
    const values = Array.from({ length: sec.nseg }, (_, j) => 1e-5 * (j + 1));
    const built = build((p) => {
      p.biophysics.mechanisms.push({ name: 'Im', region: 'apic[0]', params: { gImbar: values } });
    });
    const im = built.request.mechanisms!.find((u) => u.name === 'Im')!;
    expect(Array.from(im.nodes)).toEqual(values.map((_, j) => sec.firstCentre + j));
    expect(Array.from(im.params!.gImbar as ArrayLike<number>)).toEqual(values);
  });
});

describe('record[].what', () => {
  it('records ion and mechanism variables with their units', () => {
    const run = runProtocol(parseProtocol({
      ...base(),
      record: [
        { label: 'v', at: 'soma[0](0.5)' },
        { label: 'cai', at: 'soma[0](0.5)', what: 'cai' },
        { label: 'eca', at: 'soma[0](0.5)', what: 'eca' },
        { label: 'ica', at: 'apic[3](0.5)', what: 'ica' },
        { label: 'm', at: 'soma[0](0.5)', what: 'NaTa_t.m' },
        { label: 'ina', at: 'soma[0](0.5)', what: 'NaTa_t.ina' },
        { label: 'gih', at: 'apic[3](0.5)', what: 'Ih.gIhbar' },
      ],
    }, FILE));
    expect(run.built.probes.map((q) => q.unit)).toEqual(['mV', 'mM', 'mV', 'mA/cm2', '1', 'mA/cm2', 'S/cm2']);
    expect(run.built.probes[1].what).toBe('cai');
    const col = (k: number) => run.result.traces[k];
    expect(col(1)[0]).toBe(5e-5);
    // eca by Nernst from cai0 and cao0 at 34 °C, as NEURON's finitialize gives (fixtures/neuron/channels/NOTES.md §4)
    expect(col(2)[0]).toBe(140.23660113151266);
    expect(col(2)[0]).toBe(nernst(5e-5, 2, 2, 34));
    expect(col(4)[0]).toBeGreaterThan(0);
    expect(col(4)[col(4).length - 1]).toBeGreaterThan(col(4)[0]); // the soma depolarises
    expect(col(6)[0]).toBeGreaterThan(0);
  });

  it('refuses what cannot be recorded there, with suggestions', () => {
    fails((p) => {
      p.record = [{ label: 'x', at: 'soma[0](0.5)', what: 'cali' }];
    }, '$.record[0].what', 'did you mean "cai"', 'there you can record: v, ');
    fails((p) => {
      p.record = [{ label: 'x', at: 'soma[0](0.5)', what: 'NaTa_t.mm' }];
    }, '$.record[0].what', 'NaTa_t has no variable "mm"', 'did you mean "m"');
    fails((p) => {
      p.record = [{ label: 'x', at: 'dend[0](0.5)', what: 'NaTa_t.m' }];
    }, '$.record[0].what', 'not inserted at dend[0]');
    fails((p) => {
      p.record = [{ label: 'x', at: 'dend[0](0.5)', what: 'ica' }];
    }, '$.record[0].what', 'no mechanism there uses that ion');
    fails((p) => {
      p.record = [{ label: 'x', at: 'soma[0](0.5)', what: 'NaTa_x.m' }];
    }, '$.record[0].what', 'did you mean "NaTa_t"');
  });
});

describe('ions', () => {
  it('sets cao and cai0 globally and per region; eca follows by Nernst', () => {
    const run = runProtocol(parseProtocol({
      ...base(),
      biophysics: {
        ...(base().biophysics as Json),
        ions: { ca: { co_mM: 3, ci0_mM: 1e-4 } },
        regions: { apic: { ions: { ca: { co_mM: 1.5 } } } },
      },
      record: [
        { label: 'eca_soma', at: 'soma[0](0.5)', what: 'eca' },
        { label: 'eca_apic', at: 'apic[3](0.5)', what: 'eca' },
        { label: 'cai', at: 'apic[3](0.5)', what: 'cai' },
      ],
    }, FILE));
    const [s, a, c] = run.result.traces;
    expect(s[0]).toBe(nernst(1e-4, 3, 2, 34));
    expect(a[0]).toBe(nernst(1e-4, 1.5, 2, 34));
    expect(c[0]).toBe(1e-4);
  });

  it('sets ek per region and per mechanism entry', () => {
    const built = build((p) => {
      p.biophysics.ions = { k: { e_mV: -90 } };
      p.biophysics.regions = { soma: { ions: { k: { e_mV: -80 } } } };
      p.biophysics.mechanisms[5].params = { gSK_E2bar: 0.0441 };
    });
    const ek = built.request.ions!.k.e_mV as Float64Array;
    const soma = built.layout.sections[0];
    expect(ek[soma.firstCentre]).toBe(-80);
    expect(ek[built.layout.sections[3].firstCentre]).toBe(-90);
    const withEntry = build((p) => {
      p.biophysics.regions = { soma: { ions: { k: { e_mV: -80 } } } };
    });
    expect((withEntry.request.ions!.k.e_mV as Float64Array)[soma.firstCentre]).toBe(-85);
  });

  it('refuses a reversal potential that NEURON computes by Nernst', () => {
    fails((p) => {
      p.biophysics.ions = { ca: { e_mV: 120 } };
    }, '$.biophysics.ions.ca.e_mV', 'Nernst', 'CaDynamics_E2 writes the concentration there');
    fails((p) => {
      p.biophysics.mechanisms.push({ name: 'Ca_HVA', region: 'soma', params: { gCa_HVAbar: 1e-3, eca: 120 } });
    }, '$.biophysics.mechanisms[6].params.eca', 'Nernst');
  });

  it('accepts eca where no mechanism reads a Ca concentration', () => {
    const built = build((p) => {
      p.biophysics.mechanisms = [{ name: 'pas' }, { name: 'Ca_HVA', region: 'soma', params: { gCa_HVAbar: 1e-3, eca: 120 } }];
    });
    expect((built.request.ions!.ca.e_mV as Float64Array)[built.layout.sections[0].firstCentre]).toBe(120);
  });

  it('refuses unknown ions and keys', () => {
    fails((p) => {
      p.biophysics.ions = { cal: { co_mM: 2 } };
    }, '$.biophysics.ions.cal', 'did you mean "ca"');
    fails((p) => {
      p.biophysics.ions = { ca: { cao_mM: 2 } };
    }, '$.biophysics.ions.ca.cao_mM', 'unknown key');
  });
});

describe('morphology.replace_axon and nseg rules', () => {
  it('replaces the axon by cylinders and applies Hay’s nseg rule', () => {
    const built = build((p) => {
      p.morphology = { file: SWC, replace_axon: { sections: 2, length_um: 30, diam_um: 1 } };
    });
    const secs = built.morphology.sections;
    const axons = secs.filter((s) => s.type === 2);
    expect(axons.map((s) => s.name)).toEqual(['axon[0]', 'axon[1]']);
    expect(axons.map((s) => [s.L_um, secs[s.parent].name, s.parentX])).toEqual([[30, 'soma[0]', 0.5], [30, 'axon[0]', 1]]);
    built.layout.sections.forEach((s, i) => expect(s.nseg, s.name).toBe(1 + 2 * Math.floor(secs[i].L_um / 40)));
    const ax = built.layout.sections[secs.indexOf(axons[0])];
    expect(built.layout.area_um2[ax.firstCentre]).toBeCloseTo(Math.PI * 30, 10);
  });

  it('refuses a bad nseg rule, naming the section', () => {
    fails((p) => {
      p.discretization = { nseg: 'L_um/40' };
    }, '$.discretization.nseg', 'expected an integer');
    fails((p) => {
      p.discretization = { nseg: '1 + 2*floor(Lum/40)' };
    }, '$.discretization.nseg', 'unknown name "Lum"', 'did you mean "L_um"');
  });

  it('refuses a bad replace_axon', () => {
    fails((p) => {
      p.morphology = { file: SWC, replace_axon: { sections: 2, length_um: 30 } };
    }, '$.morphology.replace_axon.diam_um', 'missing');
  });
});
