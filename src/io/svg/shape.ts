/**
 * A 2-D shape plot of a morphology (NEURON's `Shape` / `PlotShape`, without a GUI): each section
 * is projected (src/io/svg/view.ts: x-y, x-z, y-z or an automatic upright view), drawn as lines
 * whose width follows the diameter (clamped so thin dendrites stay visible and the soma does not
 * swamp the figure), coloured by a value per 3-D point or per section with a colour bar, with a
 * µm scale bar, an axis glyph, and markers (src/io/svg/markers.ts) for recording sites, stimuli,
 * clamps and synapses with a legend.
 */
import { drawLegend, drawMarkers, legendLayout, markerLabelText, MAX_LABELLED_PROBES, Occupancy, type LegendEntry, type PlacedMarker } from './markers.ts';
import { boldTextWidth, colormap, esc, fitText, fmtTick, niceStep, niceTicks, paletteColor, px, svgOpen, textWidth, type ColormapName } from './util.ts';
import { fmtVec, project, viewProjection, type Projection, type ViewName } from './view.ts';

/** What the shape plot needs of a section (a `Section` from src/morphology has all of it). */
export interface ShapeSection {
  name: string;
  type: number;
  parent: number;
  parentX: number;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  z: ArrayLike<number>;
  d: ArrayLike<number>;
  arc: ArrayLike<number>;
  L_um: number;
}

export interface ShapeMorphology {
  sections: readonly ShapeSection[];
  file?: string;
}

interface ColorScale {
  /** Colour-bar label, with its unit, e.g. "path distance from soma (µm)". */
  label: string;
  colormap?: ColormapName;
  /** Value range of the colour map; default the data range. */
  domain?: [number, number];
}

/** How to colour the cell. Default: path distance from the soma at every 3-D point. */
export type ShapeColor =
  | (ColorScale & { by: 'point'; values: readonly ArrayLike<number>[] })
  | (ColorScale & { by: 'section'; values: ArrayLike<number> })
  /** Cell in grey; markers coloured by their `value`, with the colour bar for those. */
  | (ColorScale & { by: 'marker' })
  | { by: 'none' };

/** What a marker stands for; each kind has its own symbol (see the legend). */
export type MarkerKind = 'probe' | 'stimulus' | 'clamp' | 'synapse';

export interface ShapeMarker {
  label: string;
  /** Section index or NEURON name (`dend[3]`). */
  section: number | string;
  /** Position along the section, 0..1. */
  x: number;
  /**
   * 'probe' (default): a recording site, a labelled circle; 'stimulus': a current injection, a
   * labelled triangle pointing at the site; 'clamp': a voltage clamp, a labelled square on a stem;
   * 'synapse': a small unlabelled dot coloured by `group`, counted in the legend.
   */
  kind?: MarkerKind;
  /** Fill colour (probes: default the palette colour of the marker index, as in the traces plot). */
  color?: string;
  /**
   * Value for `color: { by: 'marker' }`: probes (a probe without one is drawn hollow) and synapses
   * (e.g. their final weight; a valued synapse is a larger dot in the colour of its value).
   */
  value?: number;
  /** Legend entry of a synapse (its type, e.g. "AMPA"). */
  group?: string;
}

export interface ShapePlotOptions {
  title?: string;
  subtitle?: string;
  width?: number;
  height?: number;
  /** Which way to look (default 'xy': x right, y up); 'auto' stands the cell upright (view.ts). */
  projection?: ViewName | Projection;
  color?: ShapeColor;
  markers?: readonly ShapeMarker[];
  /** Line width range in px (default [1, 6]; somata up to 3 × the max). */
  widthRange?: [number, number];
  /** Draw the µm scale bar and the axis glyph (default true). */
  scaleBar?: boolean;
}

const C_TEXT = '#222222';
const C_MUTED = '#666666';
const C_GREY = '#9a9a9a';

/**
 * Path distance (µm) from the soma centre to every 3-D point: the root section's points are
 * measured from its midpoint (NEURON's usual `distance()` origin, soma(0.5)), every other point
 * along the tree through its parents' attachment points. Each tree of a multi-root file is
 * measured from its own root.
 */
export function pathDistances(m: ShapeMorphology): Float64Array[] {
  const secs = m.sections;
  const out: Float64Array[] = [];
  const at = (i: number, s: number): number => {
    const sec = secs[i];
    if (sec.parent < 0) return Math.abs(s - 0.5 * sec.L_um);
    return base[i] + s;
  };
  const base = new Float64Array(secs.length);
  for (let i = 0; i < secs.length; i++) {
    const sec = secs[i];
    if (sec.parent >= 0) base[i] = at(sec.parent, sec.parentX * secs[sec.parent].L_um);
    const n = sec.arc.length;
    const d = new Float64Array(n);
    for (let k = 0; k < n; k++) d[k] = at(i, sec.arc[k]);
    out.push(d);
  }
  return out;
}

/** The default colouring: path distance from the soma, colour bar from 0. */
export function distanceColor(m: ShapeMorphology): ShapeColor {
  const values = pathDistances(m);
  let hi = 0;
  for (const a of values) for (let i = 0; i < a.length; i++) if (a[i] > hi) hi = a[i];
  return { by: 'point', values, label: 'path distance from soma (µm)', domain: [0, hi > 0 ? hi : 1] };
}

/** Index of a section given by index or name; -1 if absent. */
function sectionIndex(m: ShapeMorphology, s: number | string): number {
  if (typeof s === 'number') return s >= 0 && s < m.sections.length ? s : -1;
  return m.sections.findIndex((q) => q.name === s);
}

/** The 3-D point at fraction `x` of the section's arc length, interpolated. */
export function pointAt(sec: ShapeSection, x: number): [number, number, number] {
  const n = sec.arc.length;
  if (n === 0) return [NaN, NaN, NaN];
  if (n === 1) return [sec.x[0], sec.y[0], sec.z[0]];
  const s = Math.min(1, Math.max(0, x)) * sec.arc[n - 1];
  let k = 0;
  while (k + 2 < n && sec.arc[k + 1] < s) k++;
  const gap = sec.arc[k + 1] - sec.arc[k];
  const f = gap > 0 ? Math.min(1, Math.max(0, (s - sec.arc[k]) / gap)) : 0;
  return [sec.x[k] + f * (sec.x[k + 1] - sec.x[k]), sec.y[k] + f * (sec.y[k + 1] - sec.y[k]), sec.z[k] + f * (sec.z[k + 1] - sec.z[k])];
}

/** Colours of synapse types (excitatory warm, inhibitory cool); others take the fallback list. */
const SYNAPSE_COLORS: Record<string, string> = {
  AMPA: '#ff7f0e', NMDA: '#d62728', Exp2Syn: '#e377c2', ExpSyn: '#8c564b', GABAA: '#1f77b4', GABAB: '#17becf', ProbAMPANMDA: '#bcbd22',
};
const SYNAPSE_FALLBACK = ['#9467bd', '#2ca02c', '#7f7f7f', '#bcbd22'];

/** The colour of a synapse type (the same type gets the same colour in every figure). */
export function synapseColor(type: string, others: readonly string[] = []): string {
  return SYNAPSE_COLORS[type] ?? SYNAPSE_FALLBACK[Math.max(0, others.filter((t) => !(t in SYNAPSE_COLORS)).indexOf(type)) % SYNAPSE_FALLBACK.length];
}

/** The shape figure as SVG text. */
/** Dot radius (px) of value-coloured synapses of the j-th synapse group: the groups differ in size. */
function valuedSynapseRadius(j: number): number {
  return Math.max(1.8, 3.6 - 1.4 * j);
}

export function shapeSvg(m: ShapeMorphology, opts: ShapePlotOptions = {}): string {
  const proj: Projection = typeof opts.projection === 'object' ? opts.projection : viewProjection(m, opts.projection ?? 'xy');
  const [wMin, wMax] = opts.widthRange ?? [1, 6];
  const secs = m.sections;
  const color: ShapeColor = opts.color ?? distanceColor(m);
  const fs = { title: 18, subtitle: 13, tick: 12, label: 13, marker: 13, legend: 12 };
  const P = (sec: ShapeSection, k: number): [number, number] => project(proj, sec.x[k], sec.y[k], sec.z[k]);

  // --- markers: kind, section index; value colouring applies to probes only
  const markers = (opts.markers ?? []).map((mk, k) => ({ ...mk, kind: mk.kind ?? 'probe', k, si: sectionIndex(m, mk.section) }));
  const valued = (mk: (typeof markers)[number]) => color.by === 'marker' && (mk.kind === 'probe' || mk.kind === 'synapse') && mk.value !== undefined && Number.isFinite(mk.value);

  // --- value range and colour function
  let vLo = Infinity;
  let vHi = -Infinity;
  const take = (v: number) => {
    if (v < vLo) vLo = v;
    if (v > vHi) vHi = v;
  };
  if (color.by === 'point') for (const a of color.values) for (let i = 0; i < a.length; i++) take(a[i]);
  else if (color.by === 'section') for (let i = 0; i < color.values.length; i++) take(color.values[i]);
  else if (color.by === 'marker') for (const mk of markers) if (valued(mk)) take(mk.value!);
  const scale = color.by === 'none' ? undefined : color;
  const [dLo, dHi] = scale?.domain ?? (vLo <= vHi ? [vLo, vHi] : [0, 1]);
  const cTicks = niceTicks(dLo, dHi, 5, false);
  const cmap = scale?.colormap ?? 'viridis';
  const LEVELS = 64;
  const level = (v: number) => (Number.isFinite(v) ? Math.round(((v - dLo) / (dHi - dLo || 1)) * (LEVELS - 1)) : -1);
  const levelColor = (l: number) => (l < 0 ? C_GREY : colormap(cmap, Math.min(LEVELS - 1, Math.max(0, l)) / (LEVELS - 1)));

  // --- legend entries (what the symbols mean)
  const kinds = new Set(markers.filter((mk) => mk.si >= 0).map((mk) => mk.kind));
  const synTypes = [...new Set(markers.filter((mk) => mk.kind === 'synapse' && mk.si >= 0).map((mk) => mk.group ?? 'synapse'))];
  const legend: LegendEntry[] = [];
  const nProbes = markers.filter((mk) => mk.kind === 'probe' && mk.si >= 0).length;
  const crowd = nProbes > MAX_LABELLED_PROBES;
  const probeText = color.by === 'marker' ? 'recording site (colour: peak V)' : crowd ? 'recording site' : 'recording site (colour as its trace)';
  if (kinds.has('probe')) legend.push({ kind: 'probe', text: probeText + (crowd ? ` (${nProbes}, small, unlabelled)` : ''), color: color.by === 'marker' ? colormap(cmap, 0.6) : crowd ? '#333333' : '#bbbbbb' });
  if (kinds.has('probe') && color.by === 'marker' && markers.some((mk) => mk.kind === 'probe' && !valued(mk))) legend.push({ kind: 'probe', text: 'other recording', color: '#555555', hollow: true });
  if (kinds.has('stimulus')) legend.push({ kind: 'stimulus', text: 'current stimulus', color: '#111111' });
  if (kinds.has('clamp')) legend.push({ kind: 'clamp', text: 'voltage clamp', color: '#111111' });
  for (const t of synTypes) {
    const n = markers.filter((mk) => mk.kind === 'synapse' && mk.si >= 0 && (mk.group ?? 'synapse') === t).length;
    const mine = markers.filter((mk) => mk.kind === 'synapse' && mk.si >= 0 && (mk.group ?? 'synapse') === t);
    // value-coloured synapses: the groups told apart by dot size, in grey in the legend
    if (mine.every(valued)) legend.push({ kind: 'synapse', text: `${t} synapse${n === 1 ? '' : 's'} (${n})`, color: '#888888', radius: valuedSynapseRadius(synTypes.indexOf(t)) });
    else legend.push({ kind: 'synapse', text: `${t} synapse${n === 1 ? '' : 's'} (${n})`, color: synapseColor(t, synTypes) });
  }

  // --- layout: title on top, the cell at equal scale, colour bar beside it, then a band with the
  // scale bar and axis glyph and the legend below. Without a given size the figure fits the cell
  // within 800 × 680 px (never narrower than 560).
  let top = 16;
  const titleY = opts.title ? (top += fs.title) : 0;
  const subtitleY = opts.subtitle ? (top += fs.subtitle + 6) : 0;
  top += 22;
  const barW = scale ? 14 : 0;
  const barTickW = scale ? Math.max(...cTicks.values.map((v) => textWidth(fmtTick(v, cTicks.decimals), fs.tick))) : 0;
  const barGap = 36;
  const right = scale ? barGap + barW + 6 + barTickW + 12 + fs.label + 16 : 24;
  const left = 24;
  const labelled = markers.filter((mk) => mk.kind !== 'synapse' && (mk.kind !== 'probe' || nProbes <= MAX_LABELLED_PROBES));
  const labelRoom = labelled.length > 0 ? Math.min(160, 24 + Math.max(...labelled.map((mk) => textWidth(markerLabelText({ label: mk.label, value: valued(mk) ? mk.value : undefined }), fs.marker)))) : 12;
  const band = opts.scaleBar === false ? 20 : 76;

  let xLo = Infinity;
  let xHi = -Infinity;
  let yLo = Infinity;
  let yHi = -Infinity;
  for (const sec of secs) {
    for (let k = 0; k < sec.x.length; k++) {
      const [a, b] = P(sec, k);
      const r = Math.abs(sec.d[k]) / 2;
      xLo = Math.min(xLo, a - r);
      xHi = Math.max(xHi, a + r);
      yLo = Math.min(yLo, b - r);
      yHi = Math.max(yHi, b + r);
    }
  }
  if (!(xLo <= xHi)) [xLo, xHi, yLo, yHi] = [0, 1, 0, 1];
  const spanX = Math.max(xHi - xLo, 1e-6);
  const spanY = Math.max(yHi - yLo, 1e-6);
  // room above the cell for stimulus pins on its top edge
  const pinRoom = kinds.has('stimulus') || kinds.has('clamp') ? 18 : 0;
  const maxW = (opts.width ?? 800) - left - right - 2 * labelRoom;
  const legendGuess = legend.length > 0 ? 2 * (fs.legend + 10) + 8 : 0;
  const maxH = (opts.height ?? 680) - top - pinRoom - band - legendGuess;
  const k = Math.min(maxW / spanX, maxH / spanY); // px per µm
  const titleW = Math.min(800 - left - 12, Math.max(opts.title ? boldTextWidth(opts.title, fs.title) : 0, opts.subtitle ? textWidth(opts.subtitle, fs.subtitle) : 0));
  const W = opts.width ?? Math.ceil(Math.max(560, left + titleW + 24, left + 2 * labelRoom + spanX * k + right));
  const leg = legendLayout(legend, W - 2 * left, fs.legend);
  const legendH = leg.rows.length > 0 ? leg.rows.length * leg.rowHeight + 8 : 0;
  const bottom = band + legendH;
  const H = opts.height ?? Math.ceil(Math.max(360, top + pinRoom + spanY * k + bottom));
  // centre the cell and its colour bar together
  const groupW = spanX * k + right - 24;
  const ox = Math.max(left + labelRoom, (W - groupW) / 2);
  const oy = top + pinRoom + (H - top - pinRoom - bottom - spanY * k) / 2;
  const SX = (a: number) => ox + (a - xLo) * k;
  const SY = (b: number) => oy + (yHi - b) * k; // up is up
  const width = (dUm: number, soma: boolean) => {
    const w = Math.abs(dUm) * k;
    return Math.min(soma ? 3 * wMax : wMax, Math.max(wMin, w));
  };

  const o = svgOpen(W, H, opts.title);
  const viewName = proj.view === 'auto' ? `auto view (${proj.basis})` : `${proj.view[0]}–${proj.view[1]} view`;
  o.push(`<desc>${esc(`${viewName}: screen right = ${fmtVec(proj.right)}, screen up = ${fmtVec(proj.up)} in SWC coordinates (µm).`)}</desc>`);
  if (opts.title) o.push(`<text x="${px(left)}" y="${titleY}" font-size="${fs.title}" font-weight="600" fill="${C_TEXT}">${esc(fitText(opts.title, W - left - 12, (s) => boldTextWidth(s, fs.title)))}</text>`);
  if (opts.subtitle) o.push(`<text x="${px(left)}" y="${subtitleY}" font-size="${fs.subtitle}" fill="${C_MUTED}">${esc(fitText(opts.subtitle, W - left - 12, (s) => textWidth(s, fs.subtitle)))}</text>`);

  const occ = new Occupancy(W, H);
  // --- the cell: one polyline per run of equal colour level and width, somata on top
  const vec = (v: readonly number[]) => v.map((c) => c.toFixed(4)).join(' ');
  o.push(`<g class="morphology" data-view="${proj.view}" data-right="${vec(proj.right)}" data-up="${vec(proj.up)}" fill="none" stroke-linecap="round" stroke-linejoin="round">`);
  const order = secs.map((_, i) => i).sort((a, b) => Number(secs[a].type === 1) - Number(secs[b].type === 1) || a - b);
  for (const i of order) {
    const sec = secs[i];
    const n = sec.x.length;
    if (n === 0) continue;
    const soma = sec.type === 1;
    const pv = color.by === 'point' ? color.values[i] : null;
    const secLevel = color.by === 'section' ? level(color.values[i]) : -1;
    // screen points, subdivided where a long straight piece spans several colour levels so the
    // colour changes smoothly along it
    const X: number[] = [];
    const Y: number[] = [];
    const V: number[] = [];
    const D: number[] = [];
    for (let j = 0; j < n; j++) {
      const [a, b] = P(sec, j);
      const x1 = SX(a);
      const y1 = SY(b);
      if (j > 0 && pv) {
        const x0 = X[X.length - 1];
        const y0 = Y[Y.length - 1];
        const dl = Math.abs(level(pv[j]) - level(pv[j - 1]));
        const pieces = Math.min(64, Math.max(1, Math.min(dl, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / 4))));
        for (let q = 1; q < pieces; q++) {
          const f = q / pieces;
          X.push(x0 + f * (x1 - x0));
          Y.push(y0 + f * (y1 - y0));
          V.push(pv[j - 1] + f * (pv[j] - pv[j - 1]));
          D.push(sec.d[j - 1] + f * (sec.d[j] - sec.d[j - 1]));
        }
      }
      X.push(x1);
      Y.push(y1);
      V.push(pv ? pv[j] : NaN);
      D.push(sec.d[j]);
    }
    const mm = X.length;
    const segLevel = (j: number): number => (pv ? level(0.5 * (V[j] + V[Math.min(j + 1, mm - 1)])) : secLevel);
    const segWidth = (j: number) => Math.round(width(0.5 * (D[j] + D[Math.min(j + 1, mm - 1)]), soma) * 4) / 4;
    if (mm === 1) {
      occ.line(X[0], Y[0], X[0], Y[0], segWidth(0));
      o.push(`<circle data-section="${esc(sec.name)}" cx="${px(X[0])}" cy="${px(Y[0])}" r="${px(segWidth(0) / 2)}" fill="${levelColor(segLevel(0))}"/>`);
      continue;
    }
    let j0 = 0;
    while (j0 < mm - 1) {
      const l = segLevel(j0);
      const w = segWidth(j0);
      let j1 = j0 + 1;
      while (j1 < mm - 1 && segLevel(j1) === l && segWidth(j1) === w) j1++;
      const pts: string[] = [];
      for (let j = j0; j <= j1; j++) pts.push(px(X[j]) + ',' + px(Y[j]));
      for (let j = j0; j < j1; j++) occ.line(X[j], Y[j], X[j + 1], Y[j + 1], w);
      o.push(`<polyline data-section="${esc(sec.name)}" stroke="${levelColor(l)}" stroke-width="${w}" points="${pts.join(' ')}"/>`);
      j0 = j1;
    }
  }
  o.push('</g>');

  // --- markers (markers.ts)
  const placed: PlacedMarker[] = markers
    .filter((mk) => mk.si >= 0)
    .map((mk) => {
      const [a, b] = P3(proj, pointAt(secs[mk.si], mk.x));
      const base = { label: mk.label, kind: mk.kind, cx: SX(a), cy: SY(b), group: mk.group };
      if (mk.kind === 'synapse') {
        const j = synTypes.indexOf(mk.group ?? 'synapse');
        if (valued(mk)) return { ...base, color: levelColor(level(mk.value!)), radius: valuedSynapseRadius(j) };
        return { ...base, color: mk.color ?? synapseColor(mk.group ?? 'synapse', synTypes), radius: Math.max(1.2, 2.8 - 1.1 * j) };
      }
      if (mk.kind !== 'probe') return { ...base, color: '#111111' };
      if (valued(mk)) return { ...base, color: levelColor(level(mk.value!)), value: mk.value };
      const own = mk.color ?? paletteColor(mk.k);
      return color.by === 'marker' ? { ...base, color: own, hollow: true } : { ...base, color: own };
    });
  o.push(...drawMarkers(placed, occ, { W, H, top, xMax: scale ? ox + spanX * k + barGap - 4 : W - 2, fontSize: fs.marker }));

  // --- scale bar and axis glyph
  const cellBottom = oy + spanY * k;
  if (opts.scaleBar !== false) {
    let len = niceStep((spanX * 0.2) / 1.0001);
    if (len * k < 30) len = niceStep(30 / k);
    const bx = ox;
    const by = cellBottom + 26;
    const label = `${fmtTick(len, len >= 1 ? 0 : 2)} µm`;
    o.push(
      `<g class="scale-bar"><line x1="${px(bx)}" x2="${px(bx + len * k)}" y1="${px(by)}" y2="${px(by)}" stroke="${C_TEXT}" stroke-width="3" stroke-linecap="butt"/>` +
        `<text x="${px(bx + (len * k) / 2)}" y="${px(by + 16)}" font-size="${fs.tick + 1}" text-anchor="middle" fill="${C_TEXT}">${label}</text></g>`,
    );
    o.push(...axisGlyph(proj, Math.max(bx + len * k, bx + textWidth(label, fs.tick + 1)) + 48, by + 4, fs.tick));
  }
  if (leg.rows.length > 0) o.push(...drawLegend(leg, left, H - legendH + leg.rowHeight / 2, fs.legend));

  // --- colour bar
  if (scale) {
    const bx = ox + spanX * k + barGap;
    const bh = Math.min(260, Math.max(140, spanY * k * 0.6));
    const by = Math.max(top, oy + (spanY * k - bh) / 2);
    const stops: string[] = [];
    for (let s = 0; s <= 16; s++) stops.push(`<stop offset="${px(s / 16)}" stop-color="${colormap(cmap, s / 16)}"/>`);
    o.push(`<defs><linearGradient id="colorbar-gradient" x1="0" y1="1" x2="0" y2="0">${stops.join('')}</linearGradient></defs>`);
    o.push(`<g class="colorbar">`);
    o.push(`<rect x="${px(bx)}" y="${px(by)}" width="${barW}" height="${px(bh)}" fill="url(#colorbar-gradient)" stroke="#444444" stroke-width="0.8"/>`);
    const CY = (v: number) => by + bh - ((v - dLo) / (dHi - dLo || 1)) * bh;
    for (const v of cTicks.values) {
      if (v < dLo - 1e-9 * Math.abs(dHi - dLo) || v > dHi + 1e-9 * Math.abs(dHi - dLo)) continue;
      const y = CY(v);
      o.push(`<line x1="${px(bx + barW)}" x2="${px(bx + barW + 4)}" y1="${px(y)}" y2="${px(y)}" stroke="#444444" stroke-width="0.8"/>`);
      o.push(`<text x="${px(bx + barW + 6)}" y="${px(y + fs.tick * 0.35)}" font-size="${fs.tick}" fill="${C_TEXT}">${fmtTick(v, cTicks.decimals)}</text>`);
    }
    const lx = bx + barW + 6 + barTickW + 10 + fs.label * 0.75;
    o.push(`<text class="colorbar-label" transform="translate(${px(lx)},${px(by + bh / 2)}) rotate(-90)" font-size="${fs.label}" text-anchor="middle" fill="${C_TEXT}">${esc(scale.label)}</text>`);
    o.push('</g>');
  }
  o.push('</svg>');
  return o.join('\n') + '\n';
}

/** Screen (right, up) of a 3-D point. */
function P3(proj: Projection, p: [number, number, number]): [number, number] {
  return project(proj, p[0], p[1], p[2]);
}

/**
 * Where the SWC axes point on the page: an arrow per axis (x, y, z) from (x0, y0), as long as its
 * projection; an axis whose projection is shorter than half its length (it points mostly into or
 * out of the page) is left out.
 */
function axisGlyph(proj: Projection, x0: number, y0: number, fontSize: number): string[] {
  const L = 18;
  const o = [`<g class="axis-glyph" stroke="#444444" stroke-width="1.3" fill="#444444" font-size="${fontSize}">`];
  (['x', 'y', 'z'] as const).forEach((name, i) => {
    const e: [number, number, number] = [0, 0, 0];
    e[i] = 1;
    const [a, b] = P3(proj, e);
    const len = Math.hypot(a, b);
    if (len < 0.5) return; // mostly into or out of the page: left out (the <desc> has the exact axes)
    const x1 = x0 + a * L;
    const y1 = y0 - b * L;
    const ux = a / len;
    const uy = -b / len;
    const head = `M${px(x1)},${px(y1)}L${px(x1 - 5 * ux + 3 * uy)},${px(y1 - 5 * uy - 3 * ux)}L${px(x1 - 5 * ux - 3 * uy)},${px(y1 - 5 * uy + 3 * ux)}Z`;
    o.push(`<line data-axis="${name}" x1="${px(x0)}" y1="${px(y0)}" x2="${px(x1)}" y2="${px(y1)}"/><path d="${head}" stroke="none"/>`);
    o.push(`<text x="${px(x1 + ux * 8)}" y="${px(y1 + uy * 8 + fontSize * 0.35)}" text-anchor="middle" stroke="none">${name}</text>`);
  });
  o.push('</g>');
  return o;
}
