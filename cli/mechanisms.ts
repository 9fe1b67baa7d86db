/** `dendrite mechanisms [NAME] [--json] [--file F.json ...] [--code]`: what can be inserted, with parameters, units and ranges. */
import { UserError } from '../src/errors.ts';
import type { Catalogue } from '../src/channels/catalogue.ts';
import { catalogueWithMechanismFiles, loadMechanismFile } from '../src/channels/user/index.ts';
import type { MechanismDescription, ParamSpec } from '../src/channels/mechanism.ts';
import { didYouMean } from '../src/protocol/validate.ts';

function range(p: ParamSpec): string {
  if (p.min === undefined && p.max === undefined) return 'any';
  return `[${p.min ?? '-inf'}, ${p.max ?? 'inf'}]`;
}

export function mechanismJson(d: MechanismDescription) {
  return {
    name: d.name,
    kind: d.kind,
    summary: d.summary,
    source: d.source,
    params: d.params.map((p) => ({ name: p.name, unit: p.unit, default: p.default, min: p.min ?? null, max: p.max ?? null, description: p.description ?? '' })),
    globals: d.globals.map((p) => ({ name: p.name, unit: p.unit, default: p.default, min: p.min ?? null, max: p.max ?? null, description: p.description ?? '' })),
    states: d.states.map((s) => ({ name: s.name, unit: s.unit, description: s.description ?? '' })),
    assigned: d.assigned.map((s) => ({ name: s.name, unit: s.unit, description: s.description ?? '' })),
    ions: d.ions.map((u) => ({ ion: u.ion, read: [...u.read], write: [...u.write] })),
  };
}

export function mechanismsCommand(catalogue: Catalogue, name: string | undefined, json: boolean, out: (s: string) => void): void {
  const all = catalogue.descriptions();
  if (name === undefined) {
    if (json) {
      out(JSON.stringify(all.map((d) => ({ name: d.name, kind: d.kind, summary: d.summary })), null, 1));
      return;
    }
    const w = Math.max(...all.map((d) => d.name.length));
    out('mechanisms (dendrite mechanisms NAME for details):');
    for (const d of all) out(`  ${d.name.padEnd(w)}  ${d.kind.padEnd(7)}  ${d.summary}`);
    return;
  }
  const d = all.find((x) => x.name === name);
  if (!d) throw new UserError(`unknown mechanism "${name}"${didYouMean(name, all.map((x) => x.name))}; available: ${all.map((x) => x.name).join(', ')}`);
  if (json) {
    out(JSON.stringify(mechanismJson(d), null, 1));
    return;
  }
  const lines = [`${d.name} (${d.kind === 'density' ? 'density mechanism' : 'point process'}): ${d.summary}`, `  source: ${d.source}`];
  const table = (title: string, ps: readonly ParamSpec[]) => {
    if (ps.length === 0) return;
    lines.push(`  ${title}:`);
    for (const p of ps) lines.push(`    ${p.name.padEnd(10)} ${p.unit.padEnd(8)} default ${String(p.default).padEnd(10)} range ${range(p).padEnd(16)} ${p.description ?? ''}`);
  };
  table('parameters', d.params);
  table('globals', d.globals);
  if (d.states.length > 0) lines.push(`  states: ${d.states.map((s) => `${s.name} (${s.unit})`).join(', ')}`);
  if (d.assigned.length > 0) lines.push(`  computed: ${d.assigned.map((s) => `${s.name} (${s.unit})`).join(', ')}`);
  if (d.ions.length > 0) lines.push(`  ions: ${d.ions.map((u) => `${u.ion} (reads ${u.read.join(', ') || '-'}; writes ${u.write.join(', ') || '-'})`).join('; ')}`);
  out(lines.join('\n'));
}

/**
 * `--file F.json` (repeatable): the catalogue gains the user mechanisms of these files. Without a
 * NAME, each file's mechanism is shown; `--code` prints the JavaScript its kernels were compiled to.
 */
export function mechanismFilesCommand(
  files: readonly string[],
  name: string | undefined,
  opts: { json: boolean; code: boolean },
  out: (s: string) => void,
): void {
  const catalogue = catalogueWithMechanismFiles(files.map((path, i) => ({ path, where: `--file ${files[i]}` })));
  const names = name !== undefined ? [name] : files.map((f) => loadMechanismFile(f).description.name);
  if (opts.code) {
    for (const n of names) {
      const m = catalogue.get(n) as { code?: string } | undefined;
      if (m === undefined) mechanismsCommand(catalogue, n, false, out); // reports the unknown name
      if (typeof m?.code !== 'string') throw new UserError(`"${n}" is built in (compiled TypeScript); --code shows the generated kernels of mechanism files`);
      out(m.code);
    }
    return;
  }
  if (opts.json && names.length > 1) {
    out(JSON.stringify(names.map((n) => mechanismJson(catalogue.get(n)!.description)), null, 1));
    return;
  }
  names.forEach((n, k) => {
    if (k > 0) out('');
    mechanismsCommand(catalogue, n, opts.json, out);
  });
}
