/**
 * Every SWC file under ../shared/fixtures/morphologies: it loads with the right number of sections
 * or fails with the right typed error. Section counts where NEURON 8.2 loads the file are NEURON's
 * own (fixtures/neuron/geometry/index.json; the section tables themselves are compared in
 * neuron-parity.test.ts). Where we differ from NEURON it is on purpose, as commented.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadMorphology, loadSwc, SwcError } from '../../src/morphology/index.ts';
import { ROOT, SHARED_MORPHOLOGIES, morphologyPath, REFUSED_ON_PURPOSE } from './paths.ts';

type Expect = { sections: number } | { error: string };

// Generated once from our loader and NEURON's index, then every deviation from NEURON reviewed by hand.
const EXPECTED: Record<string, Expect> = {
  'CA1PC_rat_c91662.swc': { sections: 194 }, // NEURON: 194 sections
  'CA1PC_rat_n120.swc': { sections: 156 }, // NEURON: 156 sections
  'L23PC_human_2013_03_06_cell03_789_H41_03.CNG.swc': { sections: 147 }, // NEURON: 147 sections
  'L5PC_mouse_Allen_Rbp4_488683425.swc': { sections: 103 }, // NEURON: 103 sections
  'L5PC_rat_C060114A7.swc': { sections: 324 }, // NEURON: 324 sections
  'PVIN_mouse_Allen_Pvalb_485184849_multiroot.swc': { sections: 383 }, // NEURON: 383 sections
  'PVIN_mouse_Allen_Pvalb_491119484.swc': { sections: 187 }, // NEURON: 187 sections
  'Purkinje_mouse_dbbs.swc': { sections: 467 }, // NEURON: 467 sections
  'arbor_detailed.swc': { sections: 7 }, // NEURON: 7 sections
  'ball_and_stick.swc': { sections: 2 }, // NEURON: 2 sections
  'edge/bom_utf8.swc': { sections: 2 }, // NEURON: 2 sections
  'edge/comma_separated.swc': { error: 'too-few-fields' }, // NEURON refuses this file
  'edge/cr_only_line_endings.swc': { sections: 2 }, // NEURON: 2 sections
  'edge/cycle_no_root.swc': { error: 'no-root' }, // NEURON: 1 sections
  'edge/cycle_two_nodes.swc': { error: 'cycle' }, // NEURON refuses this file
  'edge/empty.swc': { error: 'empty' }, // NEURON refuses this file
  'edge/float_ids.swc': { sections: 2 }, // NEURON: 2 sections
  'edge/huge_ids.swc': { sections: 2 }, // NEURON refuses this file
  'edge/nan_coordinate.swc': { error: 'not-finite' }, // NEURON refuses this file
  'edge/negative_radius.swc': { error: 'negative-radius' }, // NEURON: 2 sections
  'edge/parent_zero_root.swc': { error: 'missing-parent' }, // NEURON: 2 sections
  'edge/scientific_notation.swc': { sections: 2 }, // NEURON: 2 sections
  'edge/soma_contour_ring.swc': { sections: 3 }, // NEURON: 3 sections
  'edge/tab_separated.swc': { sections: 2 }, // NEURON: 2 sections
  'edge/y_fork.swc': { sections: 4 }, // NEURON: 4 sections
  'fly_flywire_720575940661139073.swc': { sections: 1927 }, // NEURON refuses this file
  'suites/arbor/example.swc': { sections: 3 }, // NEURON: 3 sections
  'suites/arbor/inline/bad_parse__bad1.swc': { error: 'missing-parent' }, // NEURON: 1 sections
  'suites/arbor/inline/bad_parse__bad2.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/arbor/inline/bad_parse__bad3.swc': { sections: 1 }, // NEURON refuses this file
  'suites/arbor/inline/bad_parse__bad4.swc': { error: 'duplicate-id' }, // NEURON refuses this file
  'suites/arbor/inline/bad_parse__bad5.swc': { error: 'missing-parent' }, // NEURON: 1 sections
  'suites/arbor/inline/neuron_compliant__branchy_soma.swc': { sections: 10 }, // NEURON: 10 sections
  'suites/arbor/inline/not_arbor_compliant__root_tag_unmatched.swc': { sections: 2 }, // NEURON: 2 sections
  'suites/arbor/inline/not_arbor_compliant__single_sample.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/arbor/inline/not_neuron_compliant__dendrite_on_axon.swc': { sections: 3 }, // NEURON: 3 sections
  'suites/arbor/inline/not_neuron_compliant__soma_on_dendrite.swc': { sections: 2 }, // NEURON: 2 sections
  'suites/arbor/inline/not_neuron_compliant__tag5.swc': { sections: 3 }, // NEURON: 3 sections
  'suites/arbor/inline/stream_validity__blank_line_ends_data.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/arbor/inline/stream_validity__invalid.swc': { error: 'too-few-fields' }, // NEURON: 1 sections
  'suites/arbor/inline/stream_validity__valid.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/arbor/inline/valid_parse__comments_only.swc': { error: 'empty' }, // NEURON refuses this file
  'suites/arbor/inline/valid_parse__trailing_garbage.swc': { sections: 3 }, // NEURON: 3 sections
  'suites/arbor/inline/valid_parse__valid1.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/arbor/inline/valid_parse__valid2.swc': { sections: 1 }, // NEURON refuses this file
  'suites/arbor/inline/valid_parse__valid4.swc': { sections: 3 }, // NEURON refuses this file
  'suites/arbor/pyramidal.swc': { sections: 220 }, // NEURON: 220 sections
  'suites/jaxley/morph_3_types_single_point_soma.swc': { sections: 3 }, // NEURON: 3 sections
  'suites/jaxley/morph_interrupted_soma.swc': { sections: 3 }, // NEURON: 3 sections
  'suites/jaxley/morph_multiple_roots.swc': { error: 'duplicate-id' }, // NEURON refuses this file
  'suites/jaxley/morph_non_somatic_branchpoint.swc': { sections: 4 }, // NEURON: 4 sections
  'suites/jaxley/morph_retina_20161028_1.swc': { sections: 155 }, // NEURON: 155 sections
  'suites/jaxley/morph_single_branch.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/jaxley/morph_soma_both_ends.swc': { sections: 3 }, // NEURON: 3 sections
  'suites/jaxley/morph_somatic_branchpoint.swc': { sections: 4 }, // NEURON: 4 sections
  'suites/jaxley/morph_variable_radiuses_within_branch.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/morphio/complexe.swc': { sections: 2 }, // NEURON: 2 sections
  'suites/morphio/disconnected_neurite.swc': { sections: 8 }, // NEURON: 8 sections
  'suites/morphio/inline/axon_carrying_dendrite.swc': { sections: 5 }, // NEURON: 5 sections
  'suites/morphio/inline/cpp__chimera_axon_on_dendrite.swc': { sections: 4 }, // NEURON: 4 sections
  'suites/morphio/inline/cpp__early_file_end.swc': { error: 'too-few-fields' }, // NEURON refuses this file
  'suites/morphio/inline/cpp__large_id.swc': { error: 'not-an-integer' }, // NEURON refuses this file
  'suites/morphio/inline/cpp__large_parent_id.swc': { error: 'not-an-integer' }, // NEURON refuses this file
  'suites/morphio/inline/cpp__multiple_soma.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/morphio/inline/cpp__no_soma.swc': { sections: 2 }, // NEURON: 2 sections
  'suites/morphio/inline/cpp__non_parsable.swc': { error: 'not-a-number' }, // NEURON refuses this file
  'suites/morphio/inline/cpp__soma_multi_bifurcation.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/morphio/inline/cpp__soma_with_neurite_parent.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/morphio/inline/cpp__super_early_file_end.swc': { error: 'too-few-fields' }, // NEURON refuses this file
  'suites/morphio/inline/cpp__unparseable.swc': { error: 'missing-parent' }, // NEURON: 1 sections
  'suites/morphio/inline/cpp__unsupported_section_type.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/morphio/inline/cyclic.swc': { error: 'self-parent' }, // NEURON refuses this file
  'suites/morphio/inline/extra_column.swc': { sections: 2 }, // NEURON: 2 sections
  'suites/morphio/inline/missing_parent.swc': { error: 'missing-parent' }, // NEURON refuses this file
  'suites/morphio/inline/multi_type_section.swc': { sections: 5 }, // NEURON: 5 sections
  'suites/morphio/inline/read_duplicate.swc': { sections: 5 }, // NEURON: 5 sections
  'suites/morphio/inline/read_split_soma.swc': { sections: 4 }, // NEURON: 4 sections
  'suites/morphio/inline/read_weird_ids.swc': { sections: 2 }, // NEURON refuses this file
  'suites/morphio/inline/skip_comments.swc': { sections: 2 }, // NEURON: 2 sections
  'suites/morphio/inline/soma_type_1_point.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/morphio/inline/soma_type_2_point.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/morphio/inline/soma_type_3_point.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/morphio/inline/soma_type_3_point_neuromorpho_1.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/morphio/inline/soma_type_3_point_neuromorpho_2.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/morphio/inline/soma_type_3_point_neuromorpho_3.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/morphio/inline/soma_type_many_point.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/morphio/inline/swc_threepoint_soma_tolerance_1.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/morphio/inline/swc_threepoint_soma_tolerance_2.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/morphio/inline/swc_threepoint_soma_tolerance_3.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/morphio/inline/swc_threepoint_soma_tolerance_4.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/morphio/inline/throw_on_missing_data_1.swc': { error: 'too-few-fields' }, // NEURON refuses this file
  'suites/morphio/inline/throw_on_missing_data_2.swc': { error: 'too-few-fields' }, // NEURON refuses this file
  'suites/morphio/inline/throw_on_negative_id.swc': { error: 'not-an-integer' }, // NEURON refuses this file
  'suites/morphio/inline/unsupported_section_type_1.swc': { sections: 3 }, // NEURON: 3 sections
  'suites/morphio/inline/unsupported_section_type_2.swc': { sections: 3 }, // NEURON: 3 sections
  'suites/morphio/inline/weird_indent.swc': { sections: 7 }, // NEURON: 7 sections
  'suites/morphio/inline/zero_diameter.swc': { sections: 2 }, // NEURON: 2 sections
  'suites/morphio/multiple_soma.swc': { sections: 7 }, // NEURON: 7 sections
  'suites/morphio/neurite_wrong_root_point.swc': { sections: 4 }, // NEURON: 4 sections
  'suites/morphio/no_soma.swc': { sections: 2 }, // NEURON: 2 sections
  'suites/morphio/reversed_NRN_neurite_order.swc': { sections: 4 }, // NEURON: 4 sections
  'suites/morphio/simple-all-types.swc': { sections: 16 }, // NEURON: 16 sections
  'suites/morphio/simple-heterogeneous-neurite.swc': { sections: 7 }, // NEURON: 7 sections
  'suites/morphio/simple-trailing-space.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/morphio/simple-windows-eol.swc': { sections: 7 }, // NEURON: 7 sections
  'suites/morphio/simple.swc': { sections: 7 }, // NEURON: 7 sections
  'suites/morphio/soma_cylinders.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/morphio/soma_multiple_frustums.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/morphio/soma_single_frustum.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/morphio/soma_three_points_cylinder.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/morphio/three_point_soma.swc': { sections: 5 }, // NEURON: 5 sections
  'suites/neurom/Neuron_disconnected_components.swc': { sections: 85 }, // NEURON: 85 sections
  'suites/neurom/Neuron_missing_ids.swc': { error: 'missing-parent' }, // NEURON: 6 sections
  'suites/neurom/Neuron_zero_length_segments.swc': { sections: 85 }, // NEURON: 85 sections
  'suites/neurom/Single_apical_no_soma.swc': { sections: 21 }, // NEURON: 21 sections
  'suites/neurom/bifurcating_soma.swc': { sections: 5 }, // NEURON: 5 sections
  'suites/neurom/custom_type.swc': { sections: 7 }, // NEURON: 7 sections
  'suites/neurom/empty_segments.swc': { sections: 4 }, // NEURON: 4 sections
  'suites/neurom/non_increasing_trunk_off_1_16pt.swc': { sections: 1 }, // NEURON refuses this file
  'suites/neurom/point_soma.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/neurom/random_trunk_off_0_16pt.swc': { sections: 2 }, // NEURON: 2 sections
  'suites/neurom/repeated_id.swc': { error: 'duplicate-id' }, // NEURON refuses this file
  'suites/neurom/sequential_trunk_off_42_16pt.swc': { sections: 1 }, // NEURON: 1 sections
  'suites/neurom/simple_reversed.swc': { sections: 7 }, // NEURON refuses this file
  'suites/neurom/soma_with_neurite_parent.swc': { sections: 2 }, // NEURON: 2 sections
  'suites/neurom/soma_zero_radius.swc': { sections: 7 }, // NEURON: 7 sections
  'suites/neurom/split_soma_two_neurites.swc': { sections: 5 }, // NEURON: 5 sections
  'suites/neurom/undefined_type.swc': { sections: 7 }, // NEURON: 7 sections
};


function walk(d: string): string[] {
  return readdirSync(d).flatMap((f) => {
    const p = join(d, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.swc') ? [p] : [];
  });
}

{
  const absent = Object.keys(EXPECTED).filter((rel) => morphologyPath(rel) === null);
  if (absent.length > 0) {
    console.log(`fixture morphologies: ${absent.length} of ${Object.keys(EXPECTED).length} files skipped: not redistributable, not in this repository (looked in ${SHARED_MORPHOLOGIES})`);
  }
}

describe('every fixture morphology', () => {
  let files: string[] = [];
  try {
    files = walk(SHARED_MORPHOLOGIES).map((p) => relative(SHARED_MORPHOLOGIES, p)).sort();
  } catch {
    files = [];
  }
  it('the table covers every file under shared/fixtures/morphologies', () => {
    if (files.length === 0) {
      console.log('shared/fixtures/morphologies not found; checking only our own copies');
      return;
    }
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });
  it('deliberate refusals are errors NEURON does not raise', () => {
    const index = JSON.parse(readFileSync(join(ROOT, 'fixtures/neuron/geometry/index.json'), 'utf8'));
    const loads = new Map<string, boolean>(index.files.map((e: { file: string; loads: boolean }) => [e.file, e.loads]));
    for (const [rel, exp] of Object.entries(EXPECTED)) {
      if ('error' in exp && loads.get(rel)) expect(REFUSED_ON_PURPOSE, rel).toHaveProperty([rel]);
      if ('sections' in exp && loads.get(rel)) {
        const e = index.files.find((f: { file: string }) => f.file === rel);
        expect(exp.sections, rel).toBe(e.n_sections);
      }
    }
  });
  for (const [rel, exp] of Object.entries(EXPECTED)) {
    const path = morphologyPath(rel);
    it.skipIf(path === null)(rel, () => {
      if ('error' in exp) {
        let caught: unknown = null;
        try {
          loadSwc(path!);
        } catch (e) {
          caught = e;
        }
        expect(caught).toBeInstanceOf(SwcError);
        expect((caught as SwcError).code).toBe(exp.error);
        expect((caught as SwcError).message).toContain(path!);
      } else {
        expect(loadSwc(path!).sections.length).toBe(exp.sections);
      }
    });
  }
});

describe('files NEURON refuses but we load as if sorted', () => {
  const sig = (rel: string) => {
    const m = loadSwc(morphologyPath(rel)!);
    return m.sections.map((s) => [s.name, s.parent, s.parentX, s.L_um]);
  };
  it('simple_reversed.swc has the sections of simple.swc (same points, other radii)', () => {
    expect(sig('suites/neurom/simple_reversed.swc')).toEqual(sig('suites/morphio/simple.swc'));
    expect(loadSwc(morphologyPath('suites/neurom/simple_reversed.swc')!).warnings.join()).toMatch(/as if sorted/);
  });
  const fly = morphologyPath('fly_flywire_720575940661139073.swc');
  if (!fly) console.log('fixture morphologies: the FlyWire skeleton check is skipped: fly_flywire_720575940661139073.swc is not redistributable, not in this repository');
  it.skipIf(!fly)('the FlyWire skeleton (4247 samples before their parent) loads with every sample', () => {
    const m = loadSwc(fly!, { scale: 0.001 });
    expect(m.samples).toBe(8798);
    expect(m.warnings.join()).toMatch(/out of order/);
    expect(m.warnings.join()).toMatch(/zero radius/);
  });
});

describe('soma surfaces (MorphIO test_9_surfaces values, NEURON geometry)', () => {
  const somaArea = (rel: string) => loadSwc(morphologyPath(rel)!).sections[0].area_um2;
  it('one-point soma: 4πr²', () => expect(somaArea('suites/morphio/simple.swc')).toBeCloseTo(4 * Math.PI, 5));
  it('NeuroMorpho three-point soma: 4πr²', () => expect(somaArea('suites/morphio/soma_three_points_cylinder.swc')).toBeCloseTo(4 * Math.PI * 81, 3));
  it('cylinder stack', () => expect(somaArea('suites/morphio/soma_cylinders.swc')).toBeCloseTo(2 * Math.PI * 40 * 3, 3));
  it('single frustum', () => expect(somaArea('suites/morphio/soma_single_frustum.swc')).toBeCloseTo(1201.428, 3));
  it('multiple frustums', () => expect(somaArea('suites/morphio/soma_multiple_frustums.swc')).toBeCloseTo(4164.610254415956, 6));
  it('ball and stick (neuron-geometry.md worked numbers)', () => {
    const m = loadSwc(morphologyPath('ball_and_stick.swc')!);
    expect(m.sections[0].L_um).toBe(12.615699768066406);
    expect(m.sections[0].area_um2).toBe(500.0029453879258);
    expect(m.sections[1].area_um2).toBe(628.3185307179587);
    expect(m.somaRule).toBe('one-point');
  });
});

describe('other formats in the fixtures are refused clearly', () => {
  for (const rel of ['arbor_detailed.nml']) {
    const p = morphologyPath(rel);
    if (!p) console.log(`fixture morphologies: the ${rel} refusal check is skipped: the file is not in this repository`);
    it.skipIf(!p)(rel, () => {
      expect(() => loadMorphology(p!)).toThrow(/Dendrite reads SWC and Neurolucida ASC only/);
    });
  }
});
