/**
 * X–Y figures for experiments: one or more panels side by side, each with lines (solid or dashed,
 * e.g. simulation against theory), optional markers, linear or log axes, and a legend. Pure: data
 * in, SVG text out (the style of src/io/svg: white background, tab10 colours, nice ticks).
 */
import { esc, fmtTick, niceTicks, paletteColor, px, svgOpen, textWidth, wrapText } from '../io/svg/util.ts';

export interface XYSeries {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Default: the palette colour of the series index within its panel. */
  color?: string;
  dashed?: boolean;
  /** Draw a dot at each point (default: only when the series has ≤ 30 points and no line). */
  markers?: boolean;
  /** No line, only markers. */
  noLine?: boolean;
  /** Leave out of the legend. */
  hideLegend?: boolean;
}

export interface XYPanel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly XYSeries[];
  logX?: boolean;
  logY?: boolean;
  /** Fixed ranges (data units); default: the data range on nice ticks. */
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** Legend corner inside the plot: top right (default), top left, bottom right, bottom left. */
  legend?: 'tr' | 'tl' | 'br' | 'bl';
}

export interface XYFigureOptions {
  title?: string;
  /** A line of small print under the panels. */
  caption?: string;
  /** One panel's size in px (default 420 × 320). */
  panelWidth?: number;
  panelHeight?: number;
}

const M = { l: 64, r: 14, t: 30, b: 46 };

interface Axis {
  /** Data value → [0, 1]. */
  u: (v: number) => number;
  ticks: { u: number; label: string }[];
}

function axis(values: number[], log: boolean, domain?: [number, number]): Axis {
  const finite = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  let lo = domain ? domain[0] : finite.length > 0 ? Math.min(...finite) : log ? 1 : 0;
  let hi = domain ? domain[1] : finite.length > 0 ? Math.max(...finite) : log ? 10 : 1;
  if (log) {
    let a = Math.floor(Math.log10(lo) + 1e-9), b = Math.ceil(Math.log10(hi) - 1e-9);
    if (b <= a) b = a + 1;
    const ticks: Axis['ticks'] = [];
    const every = Math.max(1, Math.ceil((b - a) / 7));
    for (let e = a; e <= b; e += every) ticks.push({ u: (e - a) / (b - a), label: e >= -2 && e <= 4 ? String(Number((10 ** e).toPrecision(1))) : `1e${e}` });
    return { u: (v) => (Math.log10(v) - a) / (b - a), ticks };
  }
  if (!domain && lo > 0 && lo < 0.3 * hi) lo = 0; // start at 0 when the data come near it
  const t = niceTicks(lo, hi, 6, !domain);
  lo = t.lo;
  hi = t.hi;
  return { u: (v) => (v - lo) / (hi - lo), ticks: t.values.map((v) => ({ u: (v - lo) / (hi - lo), label: fmtTick(v, t.decimals) })) };
}

function panelSvg(p: XYPanel, x0: number, y0: number, W: number, H: number): string[] {
  const xs: number[] = [], ys: number[] = [];
  for (const s of p.series) {
    for (let i = 0; i < s.x.length; i++) xs.push(s.x[i]);
    for (let i = 0; i < s.y.length; i++) ys.push(s.y[i]);
  }
  const xa = axis(xs, p.logX === true, p.xDomain);
  const ya = axis(ys, p.logY === true, p.yDomain);
  const pw = W - M.l - M.r, ph = H - M.t - M.b;
  const X = (u: number) => x0 + M.l + u * pw, Y = (u: number) => y0 + M.t + (1 - u) * ph;
  const out: string[] = [];
  out.push(`<text x="${px(x0 + M.l)}" y="${px(y0 + 18)}" font-size="13" font-weight="bold">${esc(p.title)}</text>`);
  for (const t of ya.ticks) out.push(`<line x1="${px(X(0))}" y1="${px(Y(t.u))}" x2="${px(X(1))}" y2="${px(Y(t.u))}" stroke="#eee"/>`);
  out.push(`<rect x="${px(X(0))}" y="${px(Y(1))}" width="${px(pw)}" height="${px(ph)}" fill="none" stroke="#888" stroke-width="0.8"/>`);
  for (const t of xa.ticks) {
    out.push(`<line x1="${px(X(t.u))}" y1="${px(Y(0))}" x2="${px(X(t.u))}" y2="${px(Y(0) + 4)}" stroke="#555"/>`);
    out.push(`<text x="${px(X(t.u))}" y="${px(Y(0) + 16)}" font-size="10" text-anchor="middle">${esc(t.label)}</text>`);
  }
  for (const t of ya.ticks) {
    out.push(`<line x1="${px(X(0) - 4)}" y1="${px(Y(t.u))}" x2="${px(X(0))}" y2="${px(Y(t.u))}" stroke="#555"/>`);
    out.push(`<text x="${px(X(0) - 6)}" y="${px(Y(t.u) + 3.5)}" font-size="10" text-anchor="end">${esc(t.label)}</text>`);
  }
  out.push(`<text x="${px(X(0.5))}" y="${px(y0 + H - 10)}" font-size="11" text-anchor="middle">${esc(p.xLabel)}</text>`);
  out.push(`<text transform="translate(${px(x0 + 14)} ${px(Y(0.5))}) rotate(-90)" font-size="11" text-anchor="middle">${esc(p.yLabel)}</text>`);
  out.push(`<clipPath id="c${px(x0)}_${px(y0)}"><rect x="${px(X(0))}" y="${px(Y(1))}" width="${px(pw)}" height="${px(ph)}"/></clipPath>`);
  const legend: { label: string; color: string; dashed: boolean; dot: boolean; line: boolean }[] = [];
  p.series.forEach((s, k) => {
    const color = s.color ?? paletteColor(k);
    const pts: string[] = [];
    const dots: string[] = [];
    const n = Math.min(s.x.length, s.y.length);
    for (let i = 0; i < n; i++) {
      const x = s.x[i], y = s.y[i];
      if (!Number.isFinite(x) || !Number.isFinite(y) || (p.logX && x <= 0) || (p.logY && y <= 0)) continue;
      const xp = px(X(xa.u(x))), yp = px(Y(ya.u(y)));
      pts.push(`${xp},${yp}`);
      if (s.markers ?? (s.noLine === true || n <= 30)) dots.push(`<circle cx="${xp}" cy="${yp}" r="2.6" fill="${color}"/>`);
    }
    if (!s.noLine && pts.length > 1) {
      out.push(`<polyline clip-path="url(#c${px(x0)}_${px(y0)})" points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    }
    out.push(...dots);
    if (!s.hideLegend) legend.push({ label: s.label, color, dashed: s.dashed === true, dot: dots.length > 0, line: !s.noLine });
  });
  // legend in a corner inside the panel
  const lw = Math.max(0, ...legend.map((l) => textWidth(l.label, 10))) + 30;
  const corner = p.legend ?? 'tr';
  const lx = corner.endsWith('r') ? X(1) - lw - 4 : X(0) + 8;
  const ly0 = corner.startsWith('t') ? Y(1) + 12 : Y(0) - 6 - (legend.length - 1) * 14;
  legend.forEach((l, i) => {
    const ly = ly0 + i * 14;
    out.push(`<rect x="${px(lx - 3)}" y="${px(ly - 9)}" width="${px(lw + 4)}" height="14" fill="#ffffff" fill-opacity="0.8"/>`);
    if (l.line) out.push(`<line x1="${px(lx)}" y1="${px(ly - 3)}" x2="${px(lx + 20)}" y2="${px(ly - 3)}" stroke="${l.color}" stroke-width="2"${l.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    if (l.dot) out.push(`<circle cx="${px(lx + 10)}" cy="${px(ly - 3)}" r="2.6" fill="${l.color}"/>`);
    out.push(`<text x="${px(lx + 25)}" y="${px(ly)}" font-size="10">${esc(l.label)}</text>`);
  });
  return out;
}

/** Panels side by side (at most 3 a row), a title above and a caption below. */
export function xyFigureSvg(panels: readonly XYPanel[], opts: XYFigureOptions = {}): string {
  const W = opts.panelWidth ?? 420, H = opts.panelHeight ?? 320;
  const cols = Math.min(3, Math.max(1, panels.length));
  const rows = Math.ceil(panels.length / cols);
  const width = cols * W;
  const titleLines = opts.title ? wrapText(opts.title, width - 24, (t) => textWidth(t, 15) * 1.08) : [];
  const captionLines = opts.caption ? wrapText(opts.caption, width - 24, (t) => textWidth(t, 10)) : [];
  const top = titleLines.length > 0 ? 10 + 19 * titleLines.length : 4;
  const bottom = captionLines.length > 0 ? 8 + 13 * captionLines.length : 4;
  const height = top + rows * H + bottom;
  const out = svgOpen(width, height, opts.title);
  titleLines.forEach((l, i) => out.push(`<text x="12" y="${20 + 19 * i}" font-size="15" font-weight="bold">${esc(l)}</text>`));
  panels.forEach((p, i) => out.push(...panelSvg(p, (i % cols) * W, top + Math.floor(i / cols) * H, W, H)));
  captionLines.forEach((l, i) => out.push(`<text x="12" y="${px(top + rows * H + 12 + 13 * i)}" font-size="10" fill="#444">${esc(l)}</text>`));
  out.push('</svg>');
  return out.join('\n') + '\n';
}
