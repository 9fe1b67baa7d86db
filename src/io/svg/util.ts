/**
 * Small helpers shared by the SVG figures: escaping, number formatting, "nice" axis ticks,
 * colour palettes and colour maps, and a rough text-width estimate for layout. Pure functions.
 */

/** Escape text for XML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A coordinate with at most 2 decimals and no trailing zeros (keeps files small). */
export function px(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/** Font stack: what a slide would use, with DejaVu Sans where nothing else is installed. */
export const FONT = "Helvetica Neue, Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif";

/** Approximate advance width of `text` at `size` px in a sans-serif font (for layout only). */
export function textWidth(text: string, size: number): number {
  let w = 0;
  // advance widths of DejaVu Sans (the widest of the fonts in FONT, and the usual fallback)
  for (const ch of text) {
    if ('il.,:;|!\' '.includes(ch)) w += 0.32;
    else if ('()[]{}'.includes(ch)) w += 0.4;
    else if ('mwMW@%'.includes(ch)) w += 0.95;
    else if (ch >= 'A' && ch <= 'Z') w += 0.7;
    else if (ch >= '0' && ch <= '9') w += 0.64;
    else w += 0.6;
  }
  return w * size;
}

/** Width of bold text (titles): about 12 % wider than regular. */
export function boldTextWidth(text: string, size: number): number {
  return 1.12 * textWidth(text, size);
}

/** Shorten `text` with an ellipsis until `width(text)` fits `maxPx`. */
export function fitText(text: string, maxPx: number, width: (s: string) => number): string {
  if (width(text) <= maxPx) return text;
  let s = text;
  while (s.length > 1 && width(s + '…') > maxPx) s = s.slice(0, -1);
  return s + '…';
}

/**
 * Break `text` into lines of at most `maxPx` (by `width`), at `sep` (default a space; the separator
 * stays at the end of the line it ends). A word longer than a line gets an ellipsis. At most
 * `maxLines` lines; the last one is shortened with an ellipsis when text is left over.
 */
export function wrapText(text: string, maxPx: number, width: (s: string) => number, maxLines = 3, sep = ' '): string[] {
  const parts = text.split(sep);
  const lines: string[] = [];
  let cur = '';
  for (let i = 0; i < parts.length; i++) {
    const piece = parts[i] + (i < parts.length - 1 ? sep : '');
    if (cur !== '' && width((cur + piece).trimEnd()) > maxPx) {
      lines.push(cur.trimEnd());
      cur = '';
    }
    cur += piece;
  }
  if (cur.trim() !== '') lines.push(cur.trimEnd());
  const out = lines.slice(0, maxLines).map((l) => fitText(l, maxPx, width));
  if (lines.length > maxLines) out[maxLines - 1] = fitText(out[maxLines - 1] + ' …', maxPx, width);
  return out;
}

/** The nicest step of the form {1, 2, 2.5, 5} × 10^k that is at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / p;
  const m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return m * p;
}

export interface Ticks {
  /** Axis domain, widened to whole steps when `snap` is on. */
  lo: number;
  hi: number;
  step: number;
  values: number[];
  /** Decimals that show every tick exactly. */
  decimals: number;
}

/**
 * About `target` ticks across [lo, hi]. With `snap`, the domain grows to the enclosing ticks so
 * the axis starts and ends on a labelled value.
 */
export function niceTicks(lo: number, hi: number, target = 6, snap = true): Ticks {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = 0;
    hi = 1;
  }
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi - lo < 1e-12 * Math.max(1, Math.abs(lo))) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep((hi - lo) / Math.max(1, target - 1));
  const eps = step * 1e-9;
  const first = Math.ceil((lo - eps) / step);
  const last = Math.floor((hi + eps) / step);
  const a = snap ? Math.floor((lo + eps) / step) : first;
  const b = snap ? Math.ceil((hi - eps) / step) : last;
  const values: number[] = [];
  for (let k = snap ? a : first; k <= (snap ? b : last); k++) values.push(cleanZero(k * step));
  const e = Math.floor(Math.log10(step) + 1e-9);
  const decimals = Math.max(0, -e + (Math.abs(step / Math.pow(10, e) - 2.5) < 1e-9 ? 1 : 0));
  return { lo: snap ? a * step : lo, hi: snap ? b * step : hi, step, values, decimals };
}

function cleanZero(v: number): number {
  return Math.abs(v) < 1e-12 ? 0 : v;
}

/** A tick label with a typographic minus sign. */
export function fmtTick(v: number, decimals: number): string {
  const s = Math.abs(v) < 0.5 * Math.pow(10, -decimals) ? (0).toFixed(decimals) : v.toFixed(decimals);
  return s.replace(/^-/, '\u2212');
}

/** A value for labels: 3 significant digits, typographic minus. */
export function fmtValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  const s = a >= 100 || a === 0 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
  return s.replace(/^-/, '\u2212');
}

/** Matplotlib's tab10: distinct, familiar to scientists, readable on white. */
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export function paletteColor(k: number): string {
  return PALETTE[((k % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** Perceptually uniform colour maps as sampled control points (matplotlib's, 9 stops each). */
const MAPS: Record<string, [number, number, number][]> = {
  viridis: [
    [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
    [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
  ],
  plasma: [
    [13, 8, 135], [84, 2, 163], [139, 10, 165], [185, 50, 137], [219, 92, 104],
    [244, 136, 73], [254, 188, 43], [246, 240, 34], [240, 249, 33],
  ],
  magma: [
    [0, 0, 4], [28, 16, 68], [79, 18, 123], [129, 37, 129], [181, 54, 122],
    [229, 80, 100], [251, 135, 97], [254, 194, 135], [252, 253, 191],
  ],
  coolwarm: [
    [59, 76, 192], [98, 130, 234], [141, 176, 254], [184, 208, 249], [221, 221, 221],
    [245, 196, 173], [244, 154, 123], [222, 96, 77], [180, 4, 38],
  ],
};

export type ColormapName = 'viridis' | 'plasma' | 'magma' | 'coolwarm';
export const COLORMAPS = Object.keys(MAPS) as ColormapName[];

/** Colour at u ∈ [0, 1] (clamped) of a named colour map, as #rrggbb. */
export function colormap(name: ColormapName, u: number): string {
  const stops = MAPS[name] ?? MAPS.viridis;
  const t = Math.min(1, Math.max(0, Number.isFinite(u) ? u : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(t));
  const f = t - i;
  const c = stops[i].map((a, k) => Math.round(a + f * (stops[i + 1][k] - a)));
  return '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');
}

/** Start of an SVG document with a white background. */
export function svgOpen(width: number, height: number, title: string | undefined): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${esc(FONT)}" text-rendering="geometricPrecision">`,
    title ? `<title>${esc(title)}</title>` : '',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ].filter((s) => s.length > 0);
}
