/**
 * Voltage (or any) traces against time as a standalone SVG: one or more panels stacked on a shared
 * time axis, each with its own y-axis (nice ticks, units) and legend, one coloured line per trace,
 * spike marks in a raster strip above the panels, a title and a caption. Long traces are reduced
 * per pixel column to first/min/max/last samples, so every spike peak and trough survives while
 * the file stays small. `clusterByRange` decides which traces share a panel.
 */
import { boldTextWidth, esc, fitText, fmtTick, FONT, niceTicks, paletteColor, px, svgOpen, textWidth, wrapText, type Ticks } from './util.ts';

export interface TraceSeries {
  label: string;
  values: ArrayLike<number>;
  /** Line colour; default the palette colour of the series index. */
  color?: string;
  /** Spike (or event) times in the x unit, drawn as ticks in the raster strip (no row when empty). */
  spikes?: ArrayLike<number>;
  /** Panel (0 = top); traces with the same number share a y-axis. Default 0. */
  panel?: number;
}

/** A raster row not tied to a trace (e.g. a presynaptic spike train). */
export interface EventRow {
  label: string;
  times: ArrayLike<number>;
  color?: string;
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
  /** Extra raster rows below the traces' spike rows. */
  events?: readonly EventRow[];
  /** A line of small print at the bottom (e.g. how the spike marks were found). */
  caption?: string;
}

/**
 * Which traces share a panel: sorted by range (max − min) from the largest, a trace joins the
 * current panel when its range is at least 1/`factor` of that panel's largest, else it opens a new
 * panel; at most `maxPanels` (the rest join the last). Returns the panel of each trace; panel 0
 * holds the largest range. So a spiking soma (100 mV) and a dendrite with 2 mV EPSPs get their
 * own axes, while traces of similar size stay together for comparison.
 */
export function clusterByRange(ranges: readonly number[], factor = 4, maxPanels = 4): number[] {
  const order = ranges.map((r, i) => ({ r: Number.isFinite(r) ? Math.max(0, r) : 0, i })).sort((a, b) => b.r - a.r || a.i - b.i);
  const out = new Array<number>(ranges.length).fill(0);
  let panel = -1;
  let head = 0;
  for (const { r, i } of order) {
    if (panel < 0 || (r < head / factor && panel < maxPanels - 1)) {
      panel++;
      head = r;
    }
    out[i] = panel;
  }
  return out;
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

/** The smallest and largest finite values of some arrays ([0, 1] when there are none). */
export function finiteRange(arrays: ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/**
 * Ticks for a y-axis: about `target`, but never fewer than 4 labelled values (niceTicks rounds
 * its step up, which can leave a short axis with two labels).
 */
function yTicks(lo: number, hi: number, target: number): Ticks {
  let t = niceTicks(lo, hi, target, false);
  for (let k = target + 1; t.values.length < 4 && k <= target + 12; k++) t = niceTicks(lo, hi, k, false);
  return t;
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
  const xLabel = opts.xLabel ?? 't (ms)';
  const yLabel = opts.yLabel ?? 'V (mV)';
  const lw = opts.lineWidth ?? 1.6;
  const showLegend = (opts.legend ?? true) && series.length > 0;
  const fs = { title: 18, subtitle: 13, label: 15, tick: 13, legend: 13, raster: 11, caption: 12 };

  // --- panels: the distinct `panel` numbers in order, each with its series
  const ids = [...new Set(series.map((s) => s.panel ?? 0))].sort((a, b) => a - b);
  if (ids.length === 0) ids.push(0);
  const panels = ids.map((id) => series.map((s, k) => ({ s, k })).filter(({ s }) => (s.panel ?? 0) === id));
  const nP = panels.length;

  // --- x scale
  const [tLo, tHi] = opts.xDomain ?? finiteRange([t]);
  // the time axis spans the run exactly (no padding to a round number past tstop)
  const xt = niceTicks(tLo, tHi, 7, false);

  // --- raster rows: traces with at least one spike, then the event rows
  const rows: { label: string; times: ArrayLike<number>; color: string; trace: boolean }[] = [];
  series.forEach((s, k) => {
    if (s.spikes && s.spikes.length > 0) rows.push({ label: s.label, times: s.spikes, color: s.color ?? paletteColor(k), trace: true });
  });
  for (const e of opts.events ?? []) rows.push({ label: e.label, times: e.times, color: e.color ?? '#555555', trace: false });
  const shownRows = rows.slice(0, 12);
  const rowH = 13;

  // --- vertical layout (the subtitle wraps at its " · " separators, the caption at spaces)
  const subLines = opts.subtitle ? wrapText(opts.subtitle, W - 30, (s) => textWidth(s, fs.subtitle), 2, ' · ') : [];
  const capLines = opts.caption ? wrapText(opts.caption, W - 30, (s) => textWidth(s, fs.caption), 3) : [];
  let top = 18;
  const titleY = opts.title ? (top += fs.title) : 0;
  const subtitleY = top + fs.subtitle + 6;
  top += subLines.length * (fs.subtitle + 6);
  top += 18;
  const rasterTop = top;
  if (shownRows.length > 0) top += shownRows.length * rowH + 8;
  const gap = 22;
  const capH = capLines.length > 0 ? 8 + capLines.length * (fs.caption + 4) : 0;
  const bottom = 60 + capH;
  const defaultPh = nP === 1 ? 0 : nP === 2 ? 210 : nP === 3 ? 175 : 150;
  const H = opts.height ?? (nP === 1 ? 500 + capH : Math.ceil(top + nP * defaultPh + (nP - 1) * gap + bottom));
  const ph = Math.max(40, (H - top - bottom - (nP - 1) * gap) / nP);

  // --- y scales: the data range plus 4 % headroom (ticks inside, as matplotlib does): snapping to
  // whole ticks can waste a quarter of the height on a voltage axis.
  const yts = panels.map((members) => {
    const [vLo, vHi] = opts.yDomain ?? finiteRange(members.map(({ s }) => s.values));
    const yPad = opts.yDomain ? 0 : 0.04 * (vHi - vLo || Math.abs(vHi) || 1);
    return yTicks(vLo - yPad, vHi + yPad, ph >= 250 ? 6 : ph >= 160 ? 5 : 4);
  });

  // --- horizontal layout
  const legendLabels = series.map((s) => fit(s.label, fs.legend, 180));
  const legendW = showLegend ? 22 + 26 + Math.max(...legendLabels.map((l) => textWidth(l, fs.legend))) + 10 : 24;
  const yTickW = Math.max(...yts.flatMap((yt) => yt.values.map((v) => textWidth(fmtTick(v, yt.decimals), fs.tick))));
  const rasterW = Math.max(0, ...shownRows.map((r) => textWidth(r.label, fs.raster) + 10));
  const left = Math.round(Math.max(18 + fs.label + 10 + yTickW + 8, Math.min(160, rasterW + 14)));
  const right = Math.round(legendW);
  const pw = W - left - right;
  const X = (v: number) => left + ((v - xt.lo) / (xt.hi - xt.lo)) * pw;
  const panelTop = (p: number) => top + p * (ph + gap);

  const o = svgOpen(W, H, opts.title);
  const clips = panels.map((_, p) => `<clipPath id="plot-area-${p}"><rect x="${px(left)}" y="${px(panelTop(p) - lw)}" width="${px(pw)}" height="${px(ph + 2 * lw)}"/></clipPath>`);
  o.push(`<defs>${clips.join('')}</defs>`);

  // --- title, over the axes, or from the left edge when the subtitle would not fit there
  const tx = subLines.some((l) => textWidth(l, fs.subtitle) > W - left - 12) ? 15 : left;
  if (opts.title) o.push(`<text x="${px(tx)}" y="${titleY}" font-size="${fs.title}" font-weight="600" fill="${C_TEXT}">${esc(fitText(opts.title, W - tx - 12, (s) => boldTextWidth(s, fs.title)))}</text>`);
  subLines.forEach((l, i) => o.push(`<text class="subtitle" x="${px(tx)}" y="${subtitleY + i * (fs.subtitle + 6)}" font-size="${fs.subtitle}" fill="${C_MUTED}">${esc(l)}</text>`));

  panels.forEach((members, p) => {
    const yt = yts[p];
    const pt = panelTop(p);
    const Y = (v: number) => pt + ph - ((v - yt.lo) / (yt.hi - yt.lo)) * ph;
    const last = p === nP - 1;
    o.push(`<g class="panel" data-panel="${p}" data-y-lo="${yt.lo}" data-y-hi="${yt.hi}">`);
    // grid
    o.push(`<g class="grid" stroke="${C_GRID}" stroke-width="1" shape-rendering="crispEdges">`);
    for (const v of yt.values) if (v > yt.lo && v < yt.hi) o.push(`<line x1="${px(left)}" x2="${px(left + pw)}" y1="${px(Y(v))}" y2="${px(Y(v))}"/>`);
    for (const v of xt.values) if (v > xt.lo && v < xt.hi) o.push(`<line x1="${px(X(v))}" x2="${px(X(v))}" y1="${px(pt)}" y2="${px(pt + ph)}"/>`);
    o.push('</g>');
    // traces
    o.push(`<g class="traces" clip-path="url(#plot-area-${p})" fill="none" stroke-width="${lw}" stroke-linejoin="round" stroke-linecap="round">`);
    for (const { s, k } of members) {
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
      o.push(`<path class="trace" data-label="${esc(s.label)}" data-panel="${p}" stroke="${color}" d="${runs.join('')}"/>`);
    }
    o.push('</g>');
    // axes (left and bottom spines, outward ticks); x tick labels and the x label on the last panel
    o.push(`<g class="axes" stroke="${C_AXIS}" stroke-width="1" shape-rendering="crispEdges">`);
    o.push(`<line x1="${px(left)}" x2="${px(left)}" y1="${px(pt)}" y2="${px(pt + ph)}"/>`);
    o.push(`<line x1="${px(left)}" x2="${px(left + pw)}" y1="${px(pt + ph)}" y2="${px(pt + ph)}"/>`);
    for (const v of xt.values) o.push(`<line x1="${px(X(v))}" x2="${px(X(v))}" y1="${px(pt + ph)}" y2="${px(pt + ph + (last ? 5 : 3))}"/>`);
    for (const v of yt.values) o.push(`<line x1="${px(left - 5)}" x2="${px(left)}" y1="${px(Y(v))}" y2="${px(Y(v))}"/>`);
    o.push('</g>');
    o.push(`<g class="tick-labels" font-size="${fs.tick}" fill="${C_TEXT}">`);
    if (last) for (const v of xt.values) o.push(`<text x="${px(X(v))}" y="${px(pt + ph + 8 + fs.tick)}" text-anchor="middle">${fmtTick(v, xt.decimals)}</text>`);
    for (const v of yt.values) o.push(`<text x="${px(left - 8)}" y="${px(Y(v) + fs.tick * 0.35)}" text-anchor="end">${fmtTick(v, yt.decimals)}</text>`);
    o.push('</g>');
    if (last) o.push(`<text class="axis-label" x="${px(left + pw / 2)}" y="${px(pt + ph + 8 + fs.tick + 12 + fs.label)}" font-size="${fs.label}" text-anchor="middle" fill="${C_TEXT}">${esc(xLabel)}</text>`);
    const yx = left - 8 - yTickW - 10 - fs.label * 0.25;
    o.push(`<text class="axis-label" data-panel="${p}" transform="translate(${px(yx)},${px(pt + ph / 2)}) rotate(-90)" font-size="${fs.label}" text-anchor="middle" fill="${C_TEXT}">${esc(yLabel)}</text>`);
    // legend of this panel
    if (showLegend) {
      const lx = left + pw + 22;
      const rowGap = fs.legend + 8;
      const maxRows = Math.max(1, Math.floor(ph / rowGap));
      const shown = members.length > maxRows ? maxRows - 1 : members.length;
      o.push(`<g class="legend" font-size="${fs.legend}" fill="${C_TEXT}">`);
      for (let j = 0; j < shown; j++) {
        const { s, k } = members[j];
        const y = pt + 6 + j * rowGap;
        o.push(`<line x1="${px(lx)}" x2="${px(lx + 20)}" y1="${px(y)}" y2="${px(y)}" stroke="${s.color ?? paletteColor(k)}" stroke-width="2.5" stroke-linecap="round"/>`);
        o.push(`<text x="${px(lx + 26)}" y="${px(y + fs.legend * 0.35)}">${esc(legendLabels[k])}</text>`);
      }
      if (shown < members.length) o.push(`<text x="${px(lx)}" y="${px(pt + 6 + shown * rowGap + fs.legend * 0.35)}" fill="${C_MUTED}">+ ${members.length - shown} more</text>`);
      o.push('</g>');
    }
    o.push('</g>');
  });

  // --- spike raster strip, one row per trace with spikes (and per event row)
  if (shownRows.length > 0) {
    o.push(`<g class="spikes">`);
    shownRows.forEach((r, i) => {
      const y0 = rasterTop + i * rowH + 1.5;
      o.push(`<text x="${px(left - 6)}" y="${px(y0 + (rowH - 3) / 2 + 4)}" font-size="${fs.raster}" text-anchor="end" fill="${r.trace ? r.color : C_MUTED}">${esc(fit(r.label, fs.raster, left - 14))}</text>`);
      let d = '';
      for (let j = 0; j < r.times.length; j++) {
        const ts = r.times[j];
        if (!(ts >= xt.lo && ts <= xt.hi)) continue;
        d += `M${px(X(ts))},${px(y0)}v${rowH - 3}`;
      }
      o.push(`<path class="${r.trace ? 'spike-marks' : 'event-marks'}" data-label="${esc(r.label)}" stroke="${r.color}" stroke-width="1.6" d="${d}"/>`);
    });
    if (rows.length > shownRows.length) o.push(`<text x="${px(left + pw + 8)}" y="${px(rasterTop + (shownRows.length - 1) * rowH + 10)}" font-size="${fs.raster}" fill="${C_MUTED}">+ ${rows.length - shownRows.length} rows</text>`);
    o.push('</g>');
  }

  const cx = capLines.some((l) => textWidth(l, fs.caption) > W - left - 12) ? 15 : left;
  capLines.forEach((l, i) => o.push(`<text class="caption" x="${px(cx)}" y="${px(H - 12 - (capLines.length - 1 - i) * (fs.caption + 4))}" font-size="${fs.caption}" fill="${C_MUTED}">${esc(l)}</text>`));
  o.push('</svg>');
  return o.join('\n') + '\n';
}

export { FONT };
