/**
 * A 2-D shape plot of a morphology (NEURON's `Shape` / `PlotShape`, without a GUI): each section
 * is projected (x-y by default), drawn as lines whose width follows the diameter (clamped so thin
 * dendrites stay visible and the soma does not swamp the figure), coloured by a value per 3-D
 * point or per section with a colour bar, with a µm scale bar and labelled markers (recorded sites).
 */
import { boldTextWidth, colormap, esc, fitText, fmtTick, fmtValue, niceStep, niceTicks, paletteColor, px, svgOpen, textWidth, type ColormapName } from './util.ts';

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

export interface ShapeMarker {
  label: string;
  /** Section index or NEURON name (`dend[3]`). */
  section: number | string;
  /** Position along the section, 0..1. */
  x: number;
  /** Fill colour (default: palette colour of the marker index, as in the traces plot). */
  color?: string;
  /** Value for `color: { by: 'marker' }`. */
  value?: number;
}

export interface ShapePlotOptions {
  title?: string;
  subtitle?: string;
  width?: number;
  height?: number;
  /** Which two axes to draw (default 'xy': x right, y up). */
  projection?: 'xy' | 'xz' | 'zy';
  color?: ShapeColor;
  markers?: readonly ShapeMarker[];
  /** Line width range in px (default [0.7, 6]; somata up to 3 × the max). */
  widthRange?: [number, number];
  /** Draw the µm scale bar (default true). */
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

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** Which 3-px cells of the figure the drawing covers (for placing labels off the branches). */
class Occupancy {
  private readonly nx: number;
  private readonly ny: number;
  private readonly grid: Uint8Array;
  constructor(w: number, h: number) {
    this.nx = Math.ceil(w / 3) + 1;
    this.ny = Math.ceil(h / 3) + 1;
    this.grid = new Uint8Array(this.nx * this.ny);
  }
  line(x0: number, y0: number, x1: number, y1: number, width: number): void {
    const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / 1.5));
    const r = Math.max(0, Math.floor(width / 6));
    for (let s = 0; s <= steps; s++) {
      const gx = Math.floor((x0 + ((x1 - x0) * s) / steps) / 3);
      const gy = Math.floor((y0 + ((y1 - y0) * s) / steps) / 3);
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          const x = gx + dx;
          const y = gy + dy;
          if (x >= 0 && y >= 0 && x < this.nx && y < this.ny) this.grid[y * this.nx + x] = 1;
        }
      }
    }
  }
  count(b: Box): number {
    let n = 0;
    for (let y = Math.max(0, Math.floor(b.y0 / 3)); y <= Math.min(this.ny - 1, Math.floor(b.y1 / 3)); y++) {
      for (let x = Math.max(0, Math.floor(b.x0 / 3)); x <= Math.min(this.nx - 1, Math.floor(b.x1 / 3)); x++) n += this.grid[y * this.nx + x];
    }
    return n;
  }
}

/** The shape figure as SVG text. */
export function shapeSvg(m: ShapeMorphology, opts: ShapePlotOptions = {}): string {
  const proj = opts.projection ?? 'xy';
  const [wMin, wMax] = opts.widthRange ?? [1, 6];
  const secs = m.sections;
  const color: ShapeColor = opts.color ?? distanceColor(m);
  const fs = { title: 18, subtitle: 13, tick: 12, label: 13, marker: 13 };

  const P = (sec: ShapeSection, k: number): [number, number] =>
    proj === 'xy' ? [sec.x[k], sec.y[k]] : proj === 'xz' ? [sec.x[k], sec.z[k]] : [sec.z[k], sec.y[k]];
  const P3 = (p: [number, number, number]): [number, number] => (proj === 'xy' ? [p[0], p[1]] : proj === 'xz' ? [p[0], p[2]] : [p[2], p[1]]);

  // --- value range and colour function
  let vLo = Infinity;
  let vHi = -Infinity;
  const take = (v: number) => {
    if (v < vLo) vLo = v;
    if (v > vHi) vHi = v;
  };
  const markers = (opts.markers ?? []).map((mk, k) => ({ ...mk, k, si: sectionIndex(m, mk.section) }));
  if (color.by === 'point') for (const a of color.values) for (let i = 0; i < a.length; i++) take(a[i]);
  else if (color.by === 'section') for (let i = 0; i < color.values.length; i++) take(color.values[i]);
  else if (color.by === 'marker') for (const mk of markers) if (mk.value !== undefined) take(mk.value);
  const scale = color.by === 'none' ? undefined : color;
  const [dLo, dHi] = scale?.domain ?? (vLo <= vHi ? [vLo, vHi] : [0, 1]);
  const cTicks = niceTicks(dLo, dHi, 5, false);
  const cmap = scale?.colormap ?? 'viridis';
  const LEVELS = 64;
  const level = (v: number) => (Number.isFinite(v) ? Math.round(((v - dLo) / (dHi - dLo || 1)) * (LEVELS - 1)) : -1);
  const levelColor = (l: number) => (l < 0 ? C_GREY : colormap(cmap, Math.min(LEVELS - 1, Math.max(0, l)) / (LEVELS - 1)));

  // --- layout: title on top, the cell at equal x/y scale, colour bar beside it, scale bar below.
  // Without a given size the figure fits the cell within 800 × 680 px (never narrower than 560).
  let top = 16;
  const titleY = opts.title ? (top += fs.title) : 0;
  const subtitleY = opts.subtitle ? (top += fs.subtitle + 6) : 0;
  top += 22;
  const barW = scale ? 14 : 0;
  const barTickW = scale ? Math.max(...cTicks.values.map((v) => textWidth(fmtTick(v, cTicks.decimals), fs.tick))) : 0;
  const barGap = 36;
  const right = scale ? barGap + barW + 6 + barTickW + 12 + fs.label + 16 : 24;
  const bottom = opts.scaleBar === false ? 20 : 52;
  const left = 24;
  const labelRoom = markers.length > 0 ? Math.min(160, 24 + Math.max(...markers.map((mk) => textWidth(mk.label + (color.by === 'marker' ? ' (−00.0)' : ''), fs.marker)))) : 12;

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
  const maxW = (opts.width ?? 800) - left - right - 2 * labelRoom;
  const maxH = (opts.height ?? 680) - top - bottom;
  const k = Math.min(maxW / spanX, maxH / spanY); // px per µm
  const titleW = Math.min(800 - left - 12, Math.max(opts.title ? boldTextWidth(opts.title, fs.title) : 0, opts.subtitle ? textWidth(opts.subtitle, fs.subtitle) : 0));
  const W = opts.width ?? Math.ceil(Math.max(560, left + titleW + 24, left + 2 * labelRoom + spanX * k + right));
  const H = opts.height ?? Math.ceil(Math.max(360, top + spanY * k + bottom));
  // centre the cell and its colour bar together
  const groupW = spanX * k + right - 24;
  const ox = Math.max(left + labelRoom, (W - groupW) / 2);
  const oy = top + (H - top - bottom - spanY * k) / 2;
  const SX = (a: number) => ox + (a - xLo) * k;
  const SY = (b: number) => oy + (yHi - b) * k; // y up
  const width = (dUm: number, soma: boolean) => {
    const w = Math.abs(dUm) * k;
    return Math.min(soma ? 3 * wMax : wMax, Math.max(wMin, w));
  };

  const o = svgOpen(W, H, opts.title);
  if (opts.title) o.push(`<text x="${px(left)}" y="${titleY}" font-size="${fs.title}" font-weight="600" fill="${C_TEXT}">${esc(fitText(opts.title, W - left - 12, (s) => boldTextWidth(s, fs.title)))}</text>`);
  if (opts.subtitle) o.push(`<text x="${px(left)}" y="${subtitleY}" font-size="${fs.subtitle}" fill="${C_MUTED}">${esc(fitText(opts.subtitle, W - left - 12, (s) => textWidth(s, fs.subtitle)))}</text>`);

  const occ = new Occupancy(W, H);
  // --- the cell: one polyline per run of equal colour level and width, somata on top
  o.push(`<g class="morphology" fill="none" stroke-linecap="round" stroke-linejoin="round">`);
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
    const m = X.length;
    const segLevel = (j: number): number => (pv ? level(0.5 * (V[j] + V[Math.min(j + 1, m - 1)])) : secLevel);
    const segWidth = (j: number) => Math.round(width(0.5 * (D[j] + D[Math.min(j + 1, m - 1)]), soma) * 4) / 4;
    if (m === 1) {
      occ.line(X[0], Y[0], X[0], Y[0], segWidth(0));
      o.push(`<circle data-section="${esc(sec.name)}" cx="${px(X[0])}" cy="${px(Y[0])}" r="${px(segWidth(0) / 2)}" fill="${levelColor(segLevel(0))}"/>`);
      continue;
    }
    let j0 = 0;
    while (j0 < m - 1) {
      const l = segLevel(j0);
      const w = segWidth(j0);
      let j1 = j0 + 1;
      while (j1 < m - 1 && segLevel(j1) === l && segWidth(j1) === w) j1++;
      const pts: string[] = [];
      for (let j = j0; j <= j1; j++) pts.push(px(X[j]) + ',' + px(Y[j]));
      for (let j = j0; j < j1; j++) occ.line(X[j], Y[j], X[j + 1], Y[j + 1], w);
      o.push(`<polyline data-section="${esc(sec.name)}" stroke="${levelColor(l)}" stroke-width="${w}" points="${pts.join(' ')}"/>`);
      j0 = j1;
    }
  }
  o.push('</g>');

  // --- markers with labels placed to avoid each other and the frame edges
  if (markers.length > 0) {
    const placed: Box[] = [];
    const dots: string[] = [];
    const labels: string[] = [];
    const pts = markers
      .filter((mk) => mk.si >= 0)
      .map((mk) => {
        const [a, b] = P3(pointAt(secs[mk.si], mk.x));
        return { mk, cx: SX(a), cy: SY(b) };
      });
    for (const p of pts) placed.push({ x0: p.cx - 7, y0: p.cy - 7, x1: p.cx + 7, y1: p.cy + 7 });
    for (const { mk, cx, cy } of pts) {
      const fill = color.by === 'marker' && mk.value !== undefined ? levelColor(level(mk.value)) : (mk.color ?? paletteColor(mk.k));
      dots.push(`<circle class="marker" data-label="${esc(mk.label)}" cx="${px(cx)}" cy="${px(cy)}" r="5.5" fill="${fill}" stroke="#111111" stroke-width="1.2"/>`);
      const text = color.by === 'marker' && mk.value !== undefined ? `${mk.label} (${fmtValue(mk.value)})` : mk.label;
      const tw = textWidth(text, fs.marker);
      const th = fs.marker;
      // candidates around the dot (anchor x, baseline y, text-anchor); the cheapest wins: covered
      // drawing, then distance, and never on another label or dot or outside the frame
      const candidates: [number, number, 'start' | 'end' | 'middle'][] = [];
      for (const r of [10, 20, 34, 52]) {
        const e = r * 0.7;
        candidates.push([cx + r, cy + th * 0.35, 'start'], [cx - r, cy + th * 0.35, 'end']);
        candidates.push([cx, cy - r + 2, 'middle'], [cx, cy + r + th - 2, 'middle']);
        candidates.push([cx + e, cy - e + 2, 'start'], [cx - e, cy - e + 2, 'end'], [cx + e, cy + e + th - 2, 'start'], [cx - e, cy + e + th - 2, 'end']);
      }
      const boxOf = (c: (typeof candidates)[number]): Box => {
        const x0 = c[2] === 'start' ? c[0] : c[2] === 'end' ? c[0] - tw : c[0] - tw / 2;
        return { x0: x0 - 2, y0: c[1] - th + 1, x1: x0 + tw + 2, y1: c[1] + 3 };
      };
      const xMax = scale ? ox + spanX * k + barGap - 4 : W - 2;
      let best = candidates[0];
      let bestCost = Infinity;
      candidates.forEach((c, i) => {
        const box = boxOf(c);
        let cost = occ.count(box) + 0.15 * Math.hypot(c[0] - cx, c[1] - th * 0.35 - cy) + 0.01 * i;
        if (box.x0 < 2 || box.x1 > xMax || box.y0 < top - 12 || box.y1 > H - 2) cost += 1e6;
        if (placed.some((b) => overlaps(b, box))) cost += 1e5;
        if (cost < bestCost) {
          bestCost = cost;
          best = c;
        }
      });
      const box = boxOf(best);
      placed.push(box);
      // a leader line when the label sits away from its dot
      const nx = Math.min(Math.max(cx, box.x0), box.x1);
      const ny = Math.min(Math.max(cy, box.y0), box.y1);
      if (Math.hypot(nx - cx, ny - cy) > 12) {
        const f = 6.5 / Math.hypot(nx - cx, ny - cy);
        dots.unshift(`<line x1="${px(cx + (nx - cx) * f)}" y1="${px(cy + (ny - cy) * f)}" x2="${px(nx)}" y2="${px(ny)}" stroke="#444444" stroke-width="0.9"/>`);
      }
      labels.push(
        `<text class="marker-label" x="${px(best[0])}" y="${px(best[1])}" text-anchor="${best[2]}" font-size="${fs.marker}" fill="${C_TEXT}" stroke="#ffffff" stroke-width="3.5" stroke-linejoin="round" paint-order="stroke">${esc(text)}</text>`,
      );
    }
    o.push('<g class="markers">', ...dots, ...labels, '</g>');
  }

  // --- scale bar
  if (opts.scaleBar !== false) {
    let len = niceStep((spanX * 0.2) / 1.0001);
    if (len * k < 30) len = niceStep(30 / k);
    const bx = ox;
    const by = Math.min(H - 28, oy + spanY * k + 20);
    const label = `${fmtTick(len, len >= 1 ? 0 : 2)} µm`;
    o.push(
      `<g class="scale-bar"><line x1="${px(bx)}" x2="${px(bx + len * k)}" y1="${by}" y2="${by}" stroke="${C_TEXT}" stroke-width="3" stroke-linecap="butt"/>` +
        `<text x="${px(bx + (len * k) / 2)}" y="${by + 16}" font-size="${fs.tick + 1}" text-anchor="middle" fill="${C_TEXT}">${label}</text></g>`,
    );
  }

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
