/** `dendrite info FILE.swc` or `FILE.asc`: what the loader made of a morphology. */
import { loadSwc, neuronOrder, typeName, type Morphology } from '../src/morphology/index.ts';

export interface InfoFlags {
  json?: boolean;
  scale?: string;
  keepTypes?: string;
  dropTypes?: string;
}

export function infoJson(m: Morphology) {
  const order = neuronOrder(m);
  let totalL = 0;
  let totalA = 0;
  for (const s of m.sections) {
    totalL += s.L_um;
    totalA += s.area_um2;
  }
  return {
    file: m.file,
    samples: m.samples,
    roots: m.roots,
    soma_rule: m.somaRule,
    sections: order.map((i) => {
      const s = m.sections[i];
      return {
        name: s.name,
        parent: s.parent < 0 ? null : m.sections[s.parent].name,
        parent_x: s.parent < 0 ? null : s.parentX,
        type: s.type,
        n3d: s.x.length,
        L_um: s.L_um,
        area_um2: s.area_um2,
      };
    }),
    total_length_um: totalL,
    total_area_um2: totalA,
    warnings: m.warnings,
  };
}

export function infoText(m: Morphology): string {
  const j = infoJson(m);
  const byType = new Map<number, { n: number; L: number; A: number }>();
  for (const s of m.sections) {
    const e = byType.get(s.type) ?? { n: 0, L: 0, A: 0 };
    e.n++;
    e.L += s.L_um;
    e.A += s.area_um2;
    byType.set(s.type, e);
  }
  const lines: string[] = [];
  lines.push(`${m.file}`);
  lines.push(`  samples         ${j.samples}`);
  lines.push(`  roots           ${j.roots}`);
  lines.push(`  soma rule       ${j.soma_rule}`);
  lines.push(`  sections        ${m.sections.length}`);
  for (const [t, e] of [...byType.entries()].sort((a, b) => a[0] - b[0])) {
    lines.push(`    ${typeName(t).padEnd(12)} ${String(e.n).padStart(5)} sections  ${e.L.toFixed(1).padStart(10)} µm  ${e.A.toFixed(1).padStart(12)} µm²`);
  }
  lines.push(`  total length    ${j.total_length_um.toFixed(1)} µm`);
  lines.push(`  total area      ${j.total_area_um2.toFixed(1)} µm²`);
  if (m.warnings.length === 0) lines.push('  warnings        none');
  else {
    lines.push(`  warnings        ${m.warnings.length}`);
    for (const w of m.warnings) lines.push(`    - ${w}`);
  }
  return lines.join('\n');
}
