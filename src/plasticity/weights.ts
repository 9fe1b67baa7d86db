/**
 * weights.csv: one row per plastic synapse, `synapse,index,section,x,initial_weight,final_weight`
 * (weights in µS, full double precision). `dendrite run` writes it; a later run may start from it
 * (protocol `weights_file`, `dendrite run --weights FILE`), each synapse taking the `final_weight`
 * of its row. Rows are matched by (synapse, index) and must name the same site (section, x).
 */

export const WEIGHTS_COLUMNS = ['synapse', 'index', 'section', 'x', 'initial_weight', 'final_weight'] as const;

export interface WeightRow {
  /** The synapses entry's name, else `synapses[k]`. */
  synapse: string;
  /** Which site of the entry (placement order). */
  index: number;
  section: string;
  x: number;
  initial_weight: number;
  final_weight: number;
}

/** Largest |Δx| between a row and its synapse that still counts as the same site. */
export const X_TOLERANCE = 1e-6;

export function formatWeightsCsv(rows: readonly WeightRow[]): string {
  const out = [WEIGHTS_COLUMNS.join(',')];
  for (const r of rows) out.push(`${r.synapse},${r.index},${r.section},${r.x},${r.initial_weight},${r.final_weight}`);
  return out.join('\n') + '\n';
}

/** A problem with a weights file: the line (1-based, 0 for the whole file) and what is wrong. */
export class WeightsFileError extends Error {
  constructor(readonly line: number, readonly problem: string) {
    super(line > 0 ? `line ${line}: ${problem}` : problem);
    this.name = 'WeightsFileError';
  }
}

/** Parse a weights file's text; throws WeightsFileError naming the line and the value. */
export function parseWeightsCsv(text: string): (WeightRow & { line: number })[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new WeightsFileError(0, 'the file is empty; expected the header ' + WEIGHTS_COLUMNS.join(','));
  const header = lines[0].split(',').map((h) => h.trim());
  const col: Record<string, number> = {};
  for (const name of WEIGHTS_COLUMNS) {
    const i = header.indexOf(name);
    if (i < 0) throw new WeightsFileError(1, `no column "${name}"; expected the header ${WEIGHTS_COLUMNS.join(',')}, got ${lines[0]}`);
    col[name] = i;
  }
  const rows: (WeightRow & { line: number })[] = [];
  const seen = new Map<string, number>();
  for (let j = 1; j < lines.length; j++) {
    const line = j + 1;
    if (lines[j].trim() === '') continue;
    const f = lines[j].split(',').map((s) => s.trim());
    if (f.length !== header.length) throw new WeightsFileError(line, `expected ${header.length} fields, got ${f.length}: ${lines[j]}`);
    const num = (name: string, nonNegative: boolean): number => {
      const raw = f[col[name]];
      const v = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(v)) throw new WeightsFileError(line, `${name} is not a finite number: "${raw}"`);
      if (nonNegative && v < 0) throw new WeightsFileError(line, `${name} must be >= 0, got ${v}`);
      return v;
    };
    const index = num('index', true);
    if (!Number.isInteger(index)) throw new WeightsFileError(line, `index must be an integer, got ${index}`);
    const row = {
      synapse: f[col.synapse], index, section: f[col.section], x: num('x', true),
      initial_weight: num('initial_weight', true), final_weight: num('final_weight', true), line,
    };
    if (row.synapse === '') throw new WeightsFileError(line, 'the synapse column is empty');
    const key = `${row.synapse}#${index}`;
    const before = seen.get(key);
    if (before !== undefined) throw new WeightsFileError(line, `a second row for synapse ${row.synapse} index ${index} (first on line ${before})`);
    seen.set(key, line);
    rows.push(row);
  }
  return rows;
}

/** The synapse sites a weights file must cover: entry label, index within the entry, section name, x. */
export interface WeightSite {
  synapse: string;
  index: number;
  section: string;
  x: number;
}

/**
 * The weight of every site from the file's rows (their `final_weight`), in site order. Every site
 * needs a row with the same section and x (within X_TOLERANCE), and every row a site; otherwise a
 * WeightsFileError lists the first few mismatches.
 */
export function matchWeights(rows: readonly (WeightRow & { line: number })[], sites: readonly WeightSite[]): Float64Array {
  const byKey = new Map(rows.map((r) => [`${r.synapse}#${r.index}`, r]));
  const out = new Float64Array(sites.length);
  const problems: string[] = [];
  const used = new Set<string>();
  sites.forEach((s, k) => {
    const key = `${s.synapse}#${s.index}`;
    const r = byKey.get(key);
    if (!r) {
      problems.push(`no row for synapse ${s.synapse} index ${s.index} (at ${s.section}(${s.x}))`);
      return;
    }
    used.add(key);
    if (r.section !== s.section || Math.abs(r.x - s.x) > X_TOLERANCE) {
      problems.push(`line ${r.line}: synapse ${s.synapse} index ${s.index} is at ${r.section}(${r.x}) in the file but at ${s.section}(${s.x}) in this protocol`);
    }
    out[k] = r.final_weight;
  });
  for (const r of rows) {
    if (!used.has(`${r.synapse}#${r.index}`)) problems.push(`line ${r.line}: synapse ${r.synapse} index ${r.index} is not a plastic synapse of this protocol`);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).join('; ');
    throw new WeightsFileError(0, `${problems.length} mismatch${problems.length === 1 ? '' : 'es'} with the protocol's plastic synapses: ${shown}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`);
  }
  return out;
}
