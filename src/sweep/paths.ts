/**
 * JSON paths into a protocol, in the notation of Dendrite's error messages:
 * `$.stimuli[0].amp_nA`, `$.biophysics.mechanisms[name=hh].params.gnabar`,
 * `$.discretization.sections["soma[0]"]`.
 *
 * Steps: `.key` (letters, digits, `_`), `["any key"]`, `[3]` (a list index from 0) and
 * `[key=value]` (the one list item whose `key` equals `value`, e.g. a mechanism or synapse by its
 * `name`; the value is compared as text, quotes optional: `[name="my syn"]`). A path is resolved
 * once against the base protocol to its canonical index form (`[name=hh]` → `[1]`), so every
 * variant sets exactly the same place.
 */
import { didYouMean } from '../suggest.ts';
import { show } from '../protocol/validate.ts';

export type PathStep = { key: string } | { index: number } | { select: string; equals: string };

/** A path that cannot be parsed or does not exist; `message` says where and what exists there. */
export class PathError extends Error {}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;

export function parsePath(path: string): PathStep[] {
  if (!path.startsWith('$')) throw new PathError(`a path starts with "$", e.g. "$.stimuli[0].amp_nA"; got ${show(path)}`);
  const steps: PathStep[] = [];
  let i = 1;
  while (i < path.length) {
    const rest = path.slice(i);
    if (rest[0] === '.') {
      const m = IDENT.exec(rest.slice(1));
      if (!m) throw new PathError(`expected a key after "." at character ${i + 1} of ${show(path)} (use ["..."] for other keys)`);
      steps.push({ key: m[0] });
      i += 1 + m[0].length;
    } else if (rest[0] === '[') {
      const close = rest.startsWith('["') ? rest.indexOf('"]', 2) + 1 : rest.indexOf(']');
      if (close <= 0) throw new PathError(`unclosed "[" at character ${i + 1} of ${show(path)}`);
      const inner = rest.slice(1, close);
      i += close + 1;
      if (/^\d+$/.test(inner)) steps.push({ index: Number(inner) });
      else if (/^".*"$/.test(inner)) steps.push({ key: inner.slice(1, -1) });
      else {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(inner);
        if (!m || m[2] === '') throw new PathError(`expected [index], ["key"] or [key=value] in ${show(path)}, got [${inner}]`);
        steps.push({ select: m[1], equals: m[2].replace(/^"(.*)"$/, '$1') });
      }
    } else {
      throw new PathError(`unexpected ${show(rest[0])} at character ${i + 1} of ${show(path)}`);
    }
  }
  if (steps.length === 0) throw new PathError('the path "$" is the whole protocol; name a field, e.g. "$.run.tstop_ms"');
  return steps;
}

export function formatPath(steps: readonly PathStep[]): string {
  let s = '$';
  for (const st of steps) {
    if ('index' in st) s += `[${st.index}]`;
    else if ('select' in st) s += `[${st.select}=${st.equals}]`;
    else s += IDENT.test(st.key) && IDENT.exec(st.key)![0] === st.key ? `.${st.key}` : `["${st.key}"]`;
  }
  return s;
}

/** What the value at a step can be indexed by, for messages. */
function describe(v: unknown): string {
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v);
    return `an object with keys ${keys.length > 0 ? keys.join(', ') : '(none)'}`;
  }
  return `the value ${show(v)}`;
}

/**
 * Resolve `path` against `root` (the base protocol's JSON) to index form. Every step must exist;
 * otherwise a PathError names the first step that does not, what is there, and a did-you-mean.
 */
export function resolvePath(root: unknown, path: string): PathStep[] {
  const steps = parsePath(path);
  const out: PathStep[] = [];
  let cur: unknown = root;
  for (const st of steps) {
    const here = formatPath(out);
    if ('key' in st) {
      if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) {
        throw new PathError(`${here} is ${describe(cur)}, it has no key "${st.key}"`);
      }
      const o = cur as Record<string, unknown>;
      if (!(st.key in o)) {
        const hint = didYouMean(st.key, Object.keys(o));
        throw new PathError(
          `${formatPath([...out, st])} does not exist in the base protocol${hint}; ${here} has ${Object.keys(o).length > 0 ? `keys ${Object.keys(o).join(', ')}` : 'no keys'}` +
            ' (to sweep a setting the protocol leaves at its default, write it into the base protocol first)',
        );
      }
      out.push({ key: st.key });
      cur = o[st.key];
    } else {
      if (!Array.isArray(cur)) throw new PathError(`${here} is ${describe(cur)}, not a list`);
      let index: number;
      if ('index' in st) {
        index = st.index;
        if (index >= cur.length) throw new PathError(`${here}[${index}] does not exist: ${here} is a list of ${cur.length} (indices from 0)`);
      } else {
        const matches: number[] = [];
        const seen: string[] = [];
        cur.forEach((item, k) => {
          if (typeof item === 'object' && item !== null && st.select in item) {
            const v = String((item as Record<string, unknown>)[st.select]);
            seen.push(v);
            if (v === st.equals) matches.push(k);
          }
        });
        if (matches.length === 0) {
          throw new PathError(
            `${here}[${st.select}=${st.equals}] matches no item${didYouMean(st.equals, seen)}; the items' ${st.select}s: ${seen.length > 0 ? seen.join(', ') : '(none)'}`,
          );
        }
        if (matches.length > 1) {
          throw new PathError(`${here}[${st.select}=${st.equals}] matches items ${matches.join(', ')}; use an index, e.g. ${here}[${matches[0]}]`);
        }
        index = matches[0];
      }
      out.push({ index });
      cur = cur[index];
    }
  }
  return out;
}

/** Set the value at a resolved path (index form) in `root`, which is modified. */
export function setAtPath(root: unknown, steps: readonly PathStep[], value: unknown): void {
  let cur = root as Record<string | number, unknown>;
  for (let k = 0; k < steps.length - 1; k++) {
    const st = steps[k];
    cur = cur['key' in st ? st.key : (st as { index: number }).index] as Record<string | number, unknown>;
  }
  const last = steps[steps.length - 1];
  cur['key' in last ? last.key : (last as { index: number }).index] = structuredClone(value);
}

/** True when `inner` (a message path like `$.stimuli[0].amp_nA`) is at or below `outer`. */
export function pathCovers(outer: string, inner: string): boolean {
  return inner === outer || inner.startsWith(outer + '.') || inner.startsWith(outer + '[');
}
