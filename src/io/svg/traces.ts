/**
 * Voltage (or any) traces against time as a standalone SVG: axes with nice ticks and units, one
 * coloured line per trace, a legend, optional spike marks in a raster strip above the axes, and a
 * title. Long traces are reduced per pixel column to first/min/max/last samples, so every spike
 * peak and trough survives while the file stays small.
 */
import { boldTextWidth, esc, fitText, fmtTick, FONT, niceTicks, paletteColor, px, svgOpen, textWidth } from './util.ts';

export interface TraceSeries {
  label: string;
  values: ArrayLike<number>;
  /** Line colour; default the palette colour of the series index. */
  color?: string;
  /** Spike (or event) times in the x unit, drawn as ticks in the raster strip. */
  spikes?: ArrayLike<number>;
}

export interface TracesPlotOptions {
  title?: string;
  subtitle?: string;
  /** Figure size in px (default 800 × 500). */
  width?: number;
  height?: number;
  xLabel?: string;
  yLabel?: string;
  /** Fixed axis ranges; by default the data range widened to whole ticks. */
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** Show the legend (default true). */
  legend?: boolean;
  /** Line width in px (default 1.6). */
  lineWidth?: number;
}

const C_AXIS = '#333333';
const C_GRID = '#e8e8e8';
const C_TEXT = '#222222';
const C_MUTED = '#666666';

/**
 * Indices of the samples to draw so that a line through them looks the same at `columns` pixel
 * columns over [x0, x1] as the full trace: per column the first, minimum, maximum and last sample,
 * in sample order. Traces already short enough come back whole. Non-finite values are kept (they
 * break the line).
 */
export function downsampleMinMax(x: ArrayLike<number>, y: ArrayLike<number>, x0: number, x1: number, columns: number): Int32Array {
  const n = Math.min(x.length, y.length);
  if (n <= 4 * columns || !(x1 > x0)) return Int32Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  const scale = columns / (x1 - x0);
  let col = NaN;
  let first = -1;
  let lo = -1;
  let hi = -1;
  let last = -1;
  const flush = () => {
    if (first < 0) return;
    const pick = [first, lo, hi, last].filter((i) => i >= 0).sort((a, b) => a - b);
    for (let k = 0; k < pick.length; k++) if (k === 0 || pick[k] !== pick[k - 1]) out.push(pick[k]);
  };
  for (let i = 0; i < n; i++) {
    const v = y[i];
    const c = Math.floor((x[i] - x0) * scale);
    if (!Number.isFinite(v)) {
      flush();
      out.push(i);
      first = lo = hi = last = -1;
      col = NaN;
      continue;
    }
    if (c !== col) {
      flush();
      col = c;
      first = lo = hi = last = i;
      continue;
    }
    if (v < y[lo]) lo = i;
    if (v > y[hi]) hi = i;
    last = i;
  }
  flush();
  return Int32Array.from(out);
}

function finiteRange(arrays: ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** Shorten a label to fit `maxPx` at `size` px, with an ellipsis. */
function fit(label: string, size: number, maxPx: number): string {
  if (textWidth(label, size) <= maxPx) return label;
  let s = label;
  while (s.length > 1 && textWidth(s + '…', size) > maxPx) s = s.slice(0, -1);
  return s + '…';
}

/** The traces figure as SVG text. `t` is shared by every series. */
export function tracesSvg(t: ArrayLike<number>, series: readonly TraceSeries[], opts: TracesPlotOptions = {}): string {
  const W = opts.width ?? 800;
  const H = opts.height ?? 500;
  const xLabel = opts.xLabel ?? 't (ms)';
  const yLabel = opts.yLabel ?? 'V (mV)';
  const lw = opts.lineWidth ?? 1.6;
  const showLegend = (opts.legend ?? true) && series.length > 0;
  const fs = { title: 18, subtitle: 13, label: 15, tick: 13, legend: 13 };

  // --- scales
  const [tLo, tHi] = opts.xDomain ?? finiteRange([t]);
  const [vLo, vHi] = opts.yDomain ?? finiteRange(series.map((s) => s.values));
  const xt = niceTicks(tLo, tHi, 7, opts.xDomain === undefined);
  // y: the data range plus 4 % headroom (ticks inside, as matplotlib does): snapping to whole
  // ticks can waste a quarter of the height on a voltage axis.
  const yPad = opts.yDomain ? 0 : 0.04 * (vHi - vLo || Math.abs(vHi) || 1);
  const yt = niceTicks(vLo - yPad, vHi + yPad, 6, false);

  // --- layout
  const legendLabels = series.map((s) => fit(s.label, fs.legend, 180));
  const legendW = showLegend ? 22 + 26 + Math.max(...legendLabels.map((l) => textWidth(l, fs.legend))) + 10 : 24;
  const rasterRows = series.map((s, k) => ({ s, k })).filter(({ s }) => s.spikes !== undefined).slice(0, 12);
  const rowH = 13;
  let top = 18;
  const titleY = opts.title ? (top += fs.title) : 0;
  const subtitleY = opts.subtitle ? (top += fs.subtitle + 6) : 0;
  top += 18;
  const rasterTop = top;
  if (rasterRows.length > 0) top += rasterRows.length * rowH + 6;
  const yTickW = Math.max(...yt.values.map((v) => textWidth(fmtTick(v, yt.decimals), fs.tick)));
  const left = Math.round(18 + fs.label + 10 + yTickW + 8);
  const right = Math.round(legendW);
  const bottom = 60;
  const pw = W - left - right;
  const ph = H - top - bottom;
  const X = (v: number) => left + ((v - xt.lo) / (xt.hi - xt.lo)) * pw;
  const Y = (v: number) => top + ph - ((v - yt.lo) / (yt.hi - yt.lo)) * ph;

  const o = svgOpen(W, H, opts.title);
  o.push(`<defs><clipPath id="plot-area"><rect x="${px(left)}" y="${px(top - lw)}" width="${px(pw)}" height="${px(ph + 2 * lw)}"/></clipPath></defs>`);

  // --- title
  if (opts.title) o.push(`<text x="${px(left)}" y="${titleY}" font-size="${fs.title}" font-weight="600" fill="${C_TEXT}">${esc(fitText(opts.title, W - left - 12, (s) => boldTextWidth(s, fs.title)))}</text>`);
  if (opts.subtitle) o.push(`<text x="${px(left)}" y="${subtitleY}" font-size="${fs.subtitle}" fill="${C_MUTED}">${esc(fitText(opts.subtitle, W - left - 12, (s) => textWidth(s, fs.subtitle)))}</text>`);

  // --- grid
  o.push(`<g class="grid" stroke="${C_GRID}" stroke-width="1" shape-rendering="crispEdges">`);
  for (const v of yt.values) if (v > yt.lo && v < yt.hi) o.push(`<line x1="${px(left)}" x2="${px(left + pw)}" y1="${px(Y(v))}" y2="${px(Y(v))}"/>`);
  for (const v of xt.values) if (v > xt.lo && v < xt.hi) o.push(`<line x1="${px(X(v))}" x2="${px(X(v))}" y1="${px(top)}" y2="${px(top + ph)}"/>`);
  o.push('</g>');

  // --- traces
  o.push(`<g class="traces" clip-path="url(#plot-area)" fill="none" stroke-width="${lw}" stroke-linejoin="round" stroke-linecap="round">`);
  series.forEach((s, k) => {
    const color = s.color ?? paletteColor(k);
    const idx = downsampleMinMax(t, s.values, xt.lo, xt.hi, Math.ceil(pw));
    const runs: string[] = [];
    let run: string[] = [];
    for (let j = 0; j < idx.length; j++) {
      const i = idx[j];
      const v = s.values[i];
      const ti = t[i];
      if (Number.isFinite(v) && Number.isFinite(ti)) run.push(px(X(ti)) + ',' + px(Y(v)));
      else if (run.length > 0) {
        runs.push(run.length === 1 ? `M${run[0]}h0` : `M${run[0]}L${run.slice(1).join(' ')}`);
        run = [];
      }
    }
    if (run.length > 0) runs.push(run.length === 1 ? `M${run[0]}h0` : `M${run[0]}L${run.slice(1).join(' ')}`);
    const d = runs.join('');
    o.push(`<path class="trace" data-label="${esc(s.label)}" stroke="${color}" d="${d}"/>`);
  });
  o.push('</g>');

  // --- axes (left and bottom spines, outward ticks)
  o.push(`<g class="axes" stroke="${C_AXIS}" stroke-width="1" shape-rendering="crispEdges">`);
  o.push(`<line x1="${px(left)}" x2="${px(left)}" y1="${px(top)}" y2="${px(top + ph)}"/>`);
  o.push(`<line x1="${px(left)}" x2="${px(left + pw)}" y1="${px(top + ph)}" y2="${px(top + ph)}"/>`);
  for (const v of xt.values) o.push(`<line x1="${px(X(v))}" x2="${px(X(v))}" y1="${px(top + ph)}" y2="${px(top + ph + 5)}"/>`);
  for (const v of yt.values) o.push(`<line x1="${px(left - 5)}" x2="${px(left)}" y1="${px(Y(v))}" y2="${px(Y(v))}"/>`);
  o.push('</g>');
  o.push(`<g class="tick-labels" font-size="${fs.tick}" fill="${C_TEXT}">`);
  for (const v of xt.values) o.push(`<text x="${px(X(v))}" y="${px(top + ph + 8 + fs.tick)}" text-anchor="middle">${fmtTick(v, xt.decimals)}</text>`);
  for (const v of yt.values) o.push(`<text x="${px(left - 8)}" y="${px(Y(v) + fs.tick * 0.35)}" text-anchor="end">${fmtTick(v, yt.decimals)}</text>`);
  o.push('</g>');
  o.push(`<text class="axis-label" x="${px(left + pw / 2)}" y="${px(top + ph + 8 + fs.tick + 12 + fs.label)}" font-size="${fs.label}" text-anchor="middle" fill="${C_TEXT}">${esc(xLabel)}</text>`);
  const yx = 18 + fs.label * 0.75;
  o.push(`<text class="axis-label" transform="translate(${px(yx)},${px(top + ph / 2)}) rotate(-90)" font-size="${fs.label}" text-anchor="middle" fill="${C_TEXT}">${esc(yLabel)}</text>`);

  // --- spike raster strip
  if (rasterRows.length > 0) {
    o.push(`<g class="spikes">`);
    rasterRows.forEach(({ s, k }, r) => {
      const color = s.color ?? paletteColor(k);
      const y0 = rasterTop + r * rowH + 1.5;
      const name = rasterRows.length === 1 ? 'spikes' : fit(s.label, 11, left - 14);
      o.push(`<text x="${px(left - 6)}" y="${px(y0 + (rowH - 3) / 2 + 4)}" font-size="11" text-anchor="end" fill="${C_MUTED}">${esc(name)}</text>`);
      const sp = s.spikes!;
      let d = '';
      for (let i = 0; i < sp.length; i++) {
        const ts = sp[i];
        if (!(ts >= xt.lo && ts <= xt.hi)) continue;
        d += `M${px(X(ts))},${px(y0)}v${rowH - 3}`;
      }
      o.push(`<path class="spike-marks" data-label="${esc(s.label)}" stroke="${color}" stroke-width="1.6" d="${d}"/>`);
    });
    o.push('</g>');
  }

  // --- legend
  if (showLegend) {
    const lx = left + pw + 22;
    const rowGap = fs.legend + 8;
    const maxRows = Math.max(1, Math.floor(ph / rowGap));
    const shown = series.length > maxRows ? maxRows - 1 : series.length;
    o.push(`<g class="legend" font-size="${fs.legend}" fill="${C_TEXT}">`);
    for (let k = 0; k < shown; k++) {
      const y = top + 6 + k * rowGap;
      const color = series[k].color ?? paletteColor(k);
      o.push(`<line x1="${px(lx)}" x2="${px(lx + 20)}" y1="${px(y)}" y2="${px(y)}" stroke="${color}" stroke-width="2.5" stroke-linecap="round"/>`);
      o.push(`<text x="${px(lx + 26)}" y="${px(y + fs.legend * 0.35)}">${esc(legendLabels[k])}</text>`);
    }
    if (shown < series.length) {
      o.push(`<text x="${px(lx)}" y="${px(top + 6 + shown * rowGap + fs.legend * 0.35)}" fill="${C_MUTED}">+ ${series.length - shown} more</text>`);
    }
    o.push('</g>');
  }
  o.push('</svg>');
  return o.join('\n') + '\n';
}

export { FONT };
